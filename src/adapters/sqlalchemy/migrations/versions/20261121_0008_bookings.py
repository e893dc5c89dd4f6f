"""Bookings, their status history, and the no-overlap rule.

Revision ID: 0008_bookings
Revises: 0007_professionals
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

# revision identifiers, used by Alembic.
revision: str = "0008_bookings"
down_revision: str | Sequence[str] | None = "0007_professionals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
