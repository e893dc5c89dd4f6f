"""Reviews of completed bookings and customers' favorite professionals.

Revision ID: 0009_reviews_favorites
Revises: 0008_bookings
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

# revision identifiers, used by Alembic.
revision: str = "0009_reviews_favorites"
down_revision: str | Sequence[str] | None = "0008_bookings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
