"""The services catalog.

Revision ID: 0006_services
Revises: 0005_activity_reports
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

# revision identifiers, used by Alembic.
revision: str = "0006_services"
down_revision: str | Sequence[str] | None = "0005_activity_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
