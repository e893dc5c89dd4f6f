"""Favorites in memory, through a ``MemoryUnitOfWork``.

Mirrors ``adapters.sqlalchemy.booking.favorites``: rows of (user, professional, when), one per
pair. Keeping and forgetting land at commit as the SQL statements would (``INSERT ... ON
CONFLICT DO NOTHING``, ``DELETE``), so concurrent requests never clash. Lists join the profiles
and their users and follow the directory's visibility rule (the professionals adapter's).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from attrs import frozen

from adapters.memory.booking.professionals import _visible
from alora_core.booking.favorites.queries import FavoriteEntry
from alora_core.booking.professionals.model import ProfessionalProfile
from alora_core.booking.professionals.queries import Viewer
from alora_core.identity.model import User
from alora_core.shared.ids import new_id
from alora_core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork

TABLE = "favorites"


@frozen(kw_only=True)
class FavoriteRow:
    user_id: uuid.UUID
    professional_id: uuid.UUID
    created_at: datetime
    id: uuid.UUID  # the store's key; the database's is (user_id, professional_id)


class MemoryFavorites:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def _rows(self) -> dict[uuid.UUID, FavoriteRow]:
        rows: dict[uuid.UUID, FavoriteRow] = self._uow.store.rows("favorites")
        return rows

    def _find(self, user_id: uuid.UUID, professional_id: uuid.UUID) -> FavoriteRow | None:
        return next(
            (
                row
                for row in self._rows().values()
                if row.user_id == user_id and row.professional_id == professional_id
            ),
            None,
        )

    async def add(self, user_id: uuid.UUID, professional_id: uuid.UUID, now: datetime) -> bool:
        def insert() -> None:
            if self._find(user_id, professional_id) is None:
                row = FavoriteRow(
                    user_id=user_id, professional_id=professional_id, created_at=now, id=new_id()
                )
                self._rows()[row.id] = row

        self._uow.on_commit(insert)
        return self._find(user_id, professional_id) is None

    async def remove(self, user_id: uuid.UUID, professional_id: uuid.UUID) -> bool:
        def delete() -> None:
            row = self._find(user_id, professional_id)
            if row is not None:
                del self._rows()[row.id]

        self._uow.on_commit(delete)
        return self._find(user_id, professional_id) is not None

    async def contains(self, user_id: uuid.UUID, professional_id: uuid.UUID) -> bool:
        return self._find(user_id, professional_id) is not None

    async def page(
        self, user_id: uuid.UUID, viewer: Viewer, page: PageRequest
    ) -> Page[FavoriteEntry]:
        store = self._uow.store
        entries: list[FavoriteEntry] = []
        for row in self._rows().values():
            if row.user_id != user_id:
                continue
            profile: ProfessionalProfile | None = store.rows("professional_profiles").get(
                row.professional_id
            )
            user: User | None = store.rows("users").get(row.professional_id)
            if profile is None or user is None or not _visible(user, viewer):
                continue
            entries.append(_entry(row, profile, user))
        entries.sort(key=lambda e: (e.favorited_at, e.professional_id), reverse=True)
        return Page(
            items=entries[page.offset : page.offset + page.page_size],
            total=len(entries),
            page=page.page,
            page_size=page.page_size,
        )


def _entry(row: FavoriteRow, profile: ProfessionalProfile, user: User) -> FavoriteEntry:
    return FavoriteEntry(
        professional_id=profile.id,
        full_name=user.full_name,
        avatar_file_id=user.avatar_file_id,
        categories=list(profile.categories),
        hourly_rate=profile.hourly_rate,
        cities=list(profile.service_area.cities),
        review_count=profile.review_count,
        rating_total=profile.rating_total,
        favorited_at=row.created_at,
    )
