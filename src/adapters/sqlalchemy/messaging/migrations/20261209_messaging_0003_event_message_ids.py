"""The event log names the message a ``message.*`` event carries (``message_id``, indexed with the
conversation), so deleting a message finds its events and rewrites them to its tombstone.

The events already logged get the id from their ``data`` (``data.message.id``).

Revision ID: messaging_0003
Revises: messaging_0002
Create Date: 2026-12-09
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "messaging_0003"
down_revision: str | Sequence[str] | None = "messaging_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_messaging_events_conversation_id_message_id"
MESSAGE_EVENTS = ("message.created", "message.edited", "message.deleted")
MESSAGE_ID = {
    "postgresql": "CAST(data -> 'message' ->> 'id' AS uuid)",
    # sa.Uuid is 32 hex digits on SQLite; the JSON holds the hyphenated form.
    "sqlite": "replace(json_extract(data, '$.message.id'), '-', '')",
}


def upgrade() -> None:
    with op.batch_alter_table("messaging_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.Uuid(), nullable=True))
        batch_op.create_index(INDEX, ["conversation_id", "message_id"], unique=False)
    events = sa.table("messaging_events", sa.column("kind"), sa.column("message_id"))
    from_data = sa.literal_column(MESSAGE_ID[op.get_bind().dialect.name], sa.Uuid())
    op.execute(
        sa.update(events).where(events.c.kind.in_(MESSAGE_EVENTS)).values(message_id=from_data)
    )


def downgrade() -> None:
    with op.batch_alter_table("messaging_events", schema=None) as batch_op:
        batch_op.drop_index(INDEX)
        batch_op.drop_column("message_id")
