"""Notifications' collapse key: a recipient's unread notifications of one key are one.

The notifications context's first revision of its own branch, after the outermost heads
(identity's and booking's, which stand for the platform's chain).

Revision ID: notifications_0001
Revises:
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "notifications_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("notifications",)
depends_on: str | Sequence[str] | None = ["booking_0001", "identity_0001"]

COLLAPSING = sa.text("read_at IS NULL AND collapse_key IS NOT NULL")


def upgrade() -> None:
    op.add_column("notifications", sa.Column("collapse_key", sa.String(), nullable=True))
    op.create_index(
        "ux_notifications_unread_collapse_key",
        "notifications",
        ["recipient_id", "collapse_key"],
        unique=True,
        postgresql_where=COLLAPSING,
        sqlite_where=COLLAPSING,
    )


def downgrade() -> None:
    op.drop_index("ux_notifications_unread_collapse_key", table_name="notifications")
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.drop_column("collapse_key")
