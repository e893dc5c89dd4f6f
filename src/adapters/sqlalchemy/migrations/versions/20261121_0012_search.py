"""Full-text search documents for professionals and services.

Revision ID: 0012_search
Revises: 0011_files
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

# revision identifiers, used by Alembic.
revision: str = "0012_search"
down_revision: str | Sequence[str] | None = "0011_files"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
