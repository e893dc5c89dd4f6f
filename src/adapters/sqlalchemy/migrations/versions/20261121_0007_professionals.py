"""Professional profiles: offer, rates, service area, schedule.

Revision ID: 0007_professionals
Revises: 0006_services
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

# revision identifiers, used by Alembic.
revision: str = "0007_professionals"
down_revision: str | Sequence[str] | None = "0006_services"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
