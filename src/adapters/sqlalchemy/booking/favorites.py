"""The ``favorites`` table and the repository.

One row per (user, professional): the primary key. Keeping inserts with ``ON CONFLICT DO
NOTHING`` and forgetting deletes, so concurrent requests for the same pair never fail and leave
one row or none. A favorite goes with its user and with the professional's profile (``ON DELETE
CASCADE``). A list is one statement: the user's rows joined with the profiles and their users
under the directory's visibility rule, newest first, with the number of matches beside each row.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Table,
    Uuid,
    delete,
    func,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite

from adapters.sqlalchemy.booking.professionals import _visible_to, professional_profiles_table
from adapters.sqlalchemy.database import metadata
from adapters.sqlalchemy.identity.tables import users_table
from adapters.sqlalchemy.paging import windowed_page
from adapters.sqlalchemy.types import UtcDateTime
from alora_core.booking.favorites.queries import FavoriteEntry
from alora_core.booking.professionals.queries import Viewer
from alora_core.shared.money import Money
from alora_core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from sqlalchemy.engine import Row

    from adapters.sqlalchemy.uow import SqlUnitOfWork

__all__ = ["SqlFavorites", "favorites_table"]

favorites_table = Table(
    "favorites",
    metadata,
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "professional_id",
        Uuid,
        ForeignKey("professional_profiles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_favorites_user_id_created_at", "user_id", "created_at"),
    Index("ix_favorites_professional_id", "professional_id"),
)
_f = favorites_table.c
_p = professional_profiles_table.c
_u = users_table.c

_joined = favorites_table.join(professional_profiles_table, _p.id == _f.professional_id).join(
    users_table, _u.id == _f.professional_id
)
_ENTRY_COLUMNS = (
    _f.professional_id,
    _f.created_at,
    _u.full_name,
    _u.avatar_file_id,
    _p.categories,
    _p.hourly_rate_amount,
    _p.hourly_rate_currency,
    _p.service_area,
    _p.review_count,
    _p.rating_total,
)


class SqlFavorites:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def add(self, user_id: uuid.UUID, professional_id: uuid.UUID, now: datetime) -> bool:
        insert = postgresql.insert if self._uow.dialect_name == "postgresql" else sqlite.insert
        statement = (
            insert(favorites_table)
            .values(user_id=user_id, professional_id=professional_id, created_at=now)
            .on_conflict_do_nothing(index_elements=[_f.user_id, _f.professional_id])
            .returning(_f.user_id)
        )
        return (await self._uow.execute(statement)).first() is not None

    async def remove(self, user_id: uuid.UUID, professional_id: uuid.UUID) -> bool:
        statement = (
            delete(favorites_table)
            .where(_f.user_id == user_id, _f.professional_id == professional_id)
            .returning(_f.user_id)
        )
        return (await self._uow.execute(statement)).first() is not None

    async def contains(self, user_id: uuid.UUID, professional_id: uuid.UUID) -> bool:
        statement = select(_f.user_id).where(
            _f.user_id == user_id, _f.professional_id == professional_id
        )
        return await self._uow.scalar(statement) is not None

    async def page(
        self, user_id: uuid.UUID, viewer: Viewer, page: PageRequest
    ) -> Page[FavoriteEntry]:
        conditions = [_f.user_id == user_id, _visible_to(viewer)]
        statement = (
            select(*_ENTRY_COLUMNS, func.count().over().label("total"))
            .select_from(_joined)
            .where(*conditions)
            .order_by(_f.created_at.desc(), _f.professional_id.desc())
        )
        counting = select(func.count()).select_from(_joined).where(*conditions)
        return await windowed_page(self._uow, statement, counting, page, _entry)


def _entry(row: Row[Any]) -> FavoriteEntry:
    amount, currency = row.hourly_rate_amount, row.hourly_rate_currency
    return FavoriteEntry(
        professional_id=row.professional_id,
        full_name=row.full_name,
        avatar_file_id=row.avatar_file_id,
        categories=list(row.categories),
        hourly_rate=None if amount is None or currency is None else Money(amount, currency),
        cities=list(row.service_area.cities),
        review_count=row.review_count,
        rating_total=row.rating_total,
        favorited_at=row.created_at,
    )
