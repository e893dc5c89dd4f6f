"""Bookings, their status history, and the no-overlap rule.

Revision ID: 0008_bookings
Revises: 0007_professionals
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0008_bookings"
down_revision: str | Sequence[str] | None = "0007_professionals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the column types in adapters/sqlalchemy/types.py: a migration must not
# change when the application code does.
TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
ENUM = sa.String(32)  # enums are stored as their values

HELD = sa.text("status IN ('pending', 'confirmed')")
CONFIRMED = sa.text("status = 'confirmed'")
STATUSES = "'pending', 'confirmed', 'rejected', 'cancelled', 'completed'"


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        # Lets a GiST index hold the professional's id (=) beside the time range (&&).
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.create_table(
        "bookings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("professional_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("status", ENUM, nullable=False),
        sa.Column("start_at", TIMESTAMP, nullable=False),
        sa.Column("end_at", TIMESTAMP, nullable=False),
        sa.Column("blocked_until", TIMESTAMP, nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column("price", JSON, nullable=True),
        sa.Column("cancelled_late", sa.Boolean(), nullable=False),
        sa.Column("history", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bookings"),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["users.id"],
            name="fk_bookings_customer_id_users",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["users.id"],
            name="fk_bookings_professional_id_users",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name="fk_bookings_service_id_services"
        ),
        sa.CheckConstraint(f"status IN ({STATUSES})", name="ck_bookings_status"),
        sa.CheckConstraint(
            "start_at < end_at AND end_at <= blocked_until", name="ck_bookings_time_range"
        ),
    )
    if postgres:
        op.execute(
            "ALTER TABLE bookings ADD CONSTRAINT ex_bookings_no_overlap EXCLUDE USING gist "
            "(professional_id WITH =, tstzrange(start_at, blocked_until, '[)') WITH &&) "
            "WHERE (status IN ('pending', 'confirmed'))"
        )
    op.create_index(
        "ix_bookings_professional_id_start_at", "bookings", ["professional_id", "start_at"]
    )
    op.create_index("ix_bookings_customer_id_start_at", "bookings", ["customer_id", "start_at"])
    op.create_index("ix_bookings_start_at", "bookings", ["start_at"])
    op.create_index(
        "ix_bookings_service_id_held",
        "bookings",
        ["service_id"],
        postgresql_where=HELD,
        sqlite_where=HELD,
    )
    op.create_index(
        "ix_bookings_confirmed_end_at",
        "bookings",
        ["end_at"],
        postgresql_where=CONFIRMED,
        sqlite_where=CONFIRMED,
    )

    op.create_table(
        "booking_reminders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("booking_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sent_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_booking_reminders"),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name="fk_booking_reminders_booking_id_bookings",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["users.id"],
            name="fk_booking_reminders_recipient_id_users",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "booking_id", "recipient_id", "day", name="uq_booking_reminders_booking_id"
        ),
    )


def downgrade() -> None:
    op.drop_table("booking_reminders")
    op.drop_table("bookings")  # dropping a table drops its indexes and constraints
