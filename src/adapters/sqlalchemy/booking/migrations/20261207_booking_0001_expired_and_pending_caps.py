"""Bookings may expire: the `expired` status, and an index of pending bookings by customer
(for the caps on a customer's pending requests and the expiry job).

The booking context's first revision of its own branch, after the platform's chain.

Revision ID: booking_0001
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "booking_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("booking",)
depends_on: str | Sequence[str] | None = "0012_search"

PENDING = sa.text("status = 'pending'")
STATUSES = "'pending', 'confirmed', 'rejected', 'cancelled', 'completed'"


# SQLite rebuilds the table to change a CHECK constraint. Given a naming convention, batch mode
# keeps the reflected names as they are; ``op.f`` marks a name as final too. Revision 0008
# named the constraint with the convention applied twice.
KEEP_NAMES = {"ck": "ck_%(table_name)s_%(constraint_name)s"}
OLD_NAME, NEW_NAME = "ck_bookings_ck_bookings_status", "ck_bookings_status"


def _statuses(drop: str, create: str, statuses: str) -> None:
    with warnings.catch_warnings():
        # Reflecting the bookings table on SQLite reflects the services table it refers to,
        # whose index on lower(title) SQLite cannot describe; the services table is not rebuilt.
        warnings.filterwarnings("ignore", ".*expression-based index", category=sa.exc.SAWarning)
        with op.batch_alter_table("bookings", naming_convention=KEEP_NAMES) as batch_op:
            batch_op.drop_constraint(op.f(drop), type_="check")
            batch_op.create_check_constraint(op.f(create), f"status IN ({statuses})")


def upgrade() -> None:
    _statuses(OLD_NAME, NEW_NAME, f"{STATUSES}, 'expired'")
    op.create_index(
        "ix_bookings_pending_customer_id",
        "bookings",
        ["customer_id", "professional_id"],
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )


def downgrade() -> None:
    op.drop_index("ix_bookings_pending_customer_id", table_name="bookings")
    # An expired booking was pending once; it goes back to holding nothing as a cancelled one.
    op.execute("UPDATE bookings SET status = 'cancelled' WHERE status = 'expired'")
    _statuses(NEW_NAME, OLD_NAME, STATUSES)
