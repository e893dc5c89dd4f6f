"""Uploaded files' metadata (the bytes live in the storage).

Revision ID: 0011_files
Revises: 0010_content
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

# revision identifiers, used by Alembic.
revision: str = "0011_files"
down_revision: str | Sequence[str] | None = "0010_content"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
