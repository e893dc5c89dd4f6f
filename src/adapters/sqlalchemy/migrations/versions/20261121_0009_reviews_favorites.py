"""Reviews of completed bookings and customers' favorite professionals.

Revision ID: 0009_reviews_favorites
Revises: 0008_bookings
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009_reviews_favorites"
down_revision: str | Sequence[str] | None = "0008_bookings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the column types in adapters/sqlalchemy/types.py: a migration must not
# change when the application code does.
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("booking_id", sa.Uuid(), nullable=True),
        sa.Column("professional_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(), nullable=False),
        sa.Column("reply", sa.String(), nullable=True),
        sa.Column("replied_at", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
        # One review per booking; the review outlives its booking and its author's account.
        sa.UniqueConstraint("booking_id", name="uq_reviews_booking_id"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="ck_reviews_rating"),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name="fk_reviews_booking_id_bookings",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["professional_profiles.id"],
            name="fk_reviews_professional_id_professional_profiles",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name="fk_reviews_author_id_users",
            ondelete="SET NULL",
        ),
    )
    op.create_index(
        "ix_reviews_professional_id_created_at",
        "reviews",
        ["professional_id", "created_at", "id"],
    )
    op.create_index("ix_reviews_author_id", "reviews", ["author_id"])

    op.create_table(
        "favorites",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("professional_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        # One row per pair: concurrent adds insert it once (ON CONFLICT DO NOTHING).
        sa.PrimaryKeyConstraint("user_id", "professional_id", name="pk_favorites"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_favorites_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["professional_profiles.id"],
            name="fk_favorites_professional_id_professional_profiles",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_favorites_user_id_created_at", "favorites", ["user_id", "created_at"])
    op.create_index("ix_favorites_professional_id", "favorites", ["professional_id"])


def downgrade() -> None:
    op.drop_table("favorites")  # dropping a table drops its indexes
    op.drop_table("reviews")
