"""Notifications.

Revision ID: 0003_notifications
Revises: 0002_outbox
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0003_notifications"
down_revision: str | Sequence[str] | None = "0002_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the column types in adapters/sqlalchemy/types.py: a migration must not
# change when the application code does.
TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
ENUM = sa.String(32)  # enums are stored as their values

UNREAD = sa.text("read_at IS NULL")
EMAIL_PENDING = sa.text("email_due_at IS NOT NULL AND emailed_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("type", ENUM, nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
        sa.Column("link", sa.String(), nullable=True),
        sa.Column("data", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("read_at", TIMESTAMP, nullable=True),
        sa.Column("email_kind", ENUM, nullable=True),
        sa.Column("email_due_at", TIMESTAMP, nullable=True),
        sa.Column("emailed_at", TIMESTAMP, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_notifications"),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["users.id"],
            name="fk_notifications_recipient_id_users",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_notifications_recipient_id_id", "notifications", ["recipient_id", "id"])
    op.create_index(
        "ix_notifications_unread",
        "notifications",
        ["recipient_id", "id"],
        postgresql_where=UNREAD,
        sqlite_where=UNREAD,
    )
    op.create_index(
        "ix_notifications_email_due_at",
        "notifications",
        ["email_due_at"],
        postgresql_where=EMAIL_PENDING,
        sqlite_where=EMAIL_PENDING,
    )


def downgrade() -> None:
    op.drop_table("notifications")  # dropping a table drops its indexes
