"""Professional profiles: offer, rates, service area, schedule.

Revision ID: 0007_professionals
Revises: 0006_services
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0007_professionals"
down_revision: str | Sequence[str] | None = "0006_services"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the column types in adapters/sqlalchemy/types.py: a migration must not
# change when the application code does.
TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "professional_profiles",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("categories", JSON, nullable=False),
        sa.Column("service_ids", JSON, nullable=False),
        sa.Column("skills", JSON, nullable=False),
        sa.Column("bio", sa.String(), nullable=False),
        sa.Column("hourly_rate_amount", sa.BigInteger(), nullable=True),
        sa.Column("hourly_rate_currency", sa.String(3), nullable=True),
        sa.Column("gallery_file_ids", JSON, nullable=False),
        sa.Column("service_area", JSON, nullable=False),
        sa.Column("schedule", JSON, nullable=False),
        sa.Column("search_text", sa.String(), nullable=False),
        sa.Column("area_keys", JSON, nullable=False),
        # Written only by the reviews part, with relative updates.
        sa.Column("review_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("rating_total", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_professional_profiles"),
        sa.ForeignKeyConstraint(
            ["id"],
            ["users.id"],
            name="fk_professional_profiles_id_users",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_professional_profiles_created_at", "professional_profiles", ["created_at"])
    op.create_index(
        "ix_professional_profiles_hourly_rate_amount",
        "professional_profiles",
        ["hourly_rate_amount"],
    )


def downgrade() -> None:
    op.drop_table("professional_profiles")  # dropping a table drops its indexes
