"""Content: FAQ, feedback, contact messages and the about page.

Revision ID: 0010_content
Revises: 0009_reviews_favorites
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

# revision identifiers, used by Alembic.
revision: str = "0010_content"
down_revision: str | Sequence[str] | None = "0009_reviews_favorites"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
