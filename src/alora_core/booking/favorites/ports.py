"""What favorites need from storage, and from the professionals' directory."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from alora_core.booking.favorites.queries import FavoriteEntry
from alora_core.booking.professionals.queries import Directory, Viewer
from alora_core.shared.pagination import Page, PageRequest
from alora_core.shared.uow import UnitOfWork


class Favorites(Protocol):
    async def add(self, user_id: uuid.UUID, professional_id: uuid.UUID, now: datetime) -> bool:
        """Keep the professional; False when they were kept already. Concurrent adds of the
        same pair are harmless: the database keeps one row and neither fails."""
        ...

    async def remove(self, user_id: uuid.UUID, professional_id: uuid.UUID) -> bool:
        """Forget the professional; False when they were not kept."""
        ...

    async def contains(self, user_id: uuid.UUID, professional_id: uuid.UUID) -> bool: ...

    async def page(
        self, user_id: uuid.UUID, viewer: Viewer, page: PageRequest
    ) -> Page[FavoriteEntry]:
        """The user's favorites that ``viewer`` may see in the directory (its visibility
        rule), most recently kept first (then the highest professional id); one query for the
        page."""
        ...


class FavoritesUnitOfWork(UnitOfWork, Protocol):
    @property
    def favorites(self) -> Favorites: ...

    @property
    def professional_directory(self) -> Directory: ...
