"""Look-alike skeletons of users' emails and usernames, each unique.

Existing rows are brought to today's normal form (NFKC and case-folded, which changes only
non-ASCII emails) unless another account holds that form already. Each row gets the
skeletons (Unicode TS #39, ``adapters.look_alikes``) of the normal forms of its email and
username, oldest account first; an account that looks like an older one keeps its identifiers
but no skeleton (the unique indexes allow any number of NULLs), and new accounts can look like
neither.

Revision ID: identity_0001
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.look_alikes import IcuLookAlikes
from alora_core.identity.normalize import normalize_email, normalize_username

# revision identifiers, used by Alembic.
revision: str = "identity_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("identity",)
depends_on: str | Sequence[str] | None = "0012_search"

_users = sa.table(
    "users",
    sa.column("id", sa.Uuid()),
    sa.column("email", sa.String()),
    sa.column("username", sa.String()),
    sa.column("created_at"),
    sa.column("email_skeleton", sa.String()),
    sa.column("username_skeleton", sa.String()),
)


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_skeleton", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("username_skeleton", sa.String(), nullable=True))
    _backfill(op.get_bind())
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index("ix_users_email_skeleton", ["email_skeleton"], unique=True)
        batch_op.create_index("ix_users_username_skeleton", ["username_skeleton"], unique=True)


def _backfill(connection: sa.Connection) -> None:
    look_alikes = IcuLookAlikes()
    rows = connection.execute(
        sa.select(_users.c.id, _users.c.email, _users.c.username).order_by(
            _users.c.created_at, _users.c.id
        )
    ).all()
    emails = {row.email for row in rows}
    usernames = {row.username for row in rows}
    claimed: set[tuple[str, str]] = set()
    for row in rows:
        normal = {"email": normalize_email(row.email), "username": normalize_username(row.username)}
        values: dict[str, str | None] = {
            "email": _renormalized(row.email, normal["email"], emails),
            "username": _renormalized(row.username, normal["username"], usernames),
        }
        for name, value in normal.items():
            skeleton = look_alikes.skeleton(value)
            values[f"{name}_skeleton"] = None if (name, skeleton) in claimed else skeleton
            claimed.add((name, skeleton))
        connection.execute(sa.update(_users).where(_users.c.id == row.id).values(**values))


def _renormalized(stored: str, normal: str, taken: set[str]) -> str:
    """``normal`` when no other row holds it (``taken`` is updated), else ``stored``."""
    if normal == stored or normal in taken:
        return stored
    taken.discard(stored)
    taken.add(normal)
    return normal


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("ix_users_username_skeleton")
        batch_op.drop_index("ix_users_email_skeleton")
        batch_op.drop_column("username_skeleton")
        batch_op.drop_column("email_skeleton")
