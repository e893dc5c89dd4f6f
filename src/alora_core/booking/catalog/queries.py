"""The read side of the catalog: what lists show, selected straight from storage."""

from __future__ import annotations

import uuid
from collections.abc import Hashable
from datetime import datetime, timedelta

from attrs import frozen

from alora_core.booking.catalog.model import Service
from alora_core.shared.pagination import Page


@frozen(kw_only=True)
class ServiceView:
    """A service as readers see it (lists and single reads)."""

    id: uuid.UUID
    title: str
    description: str
    category: str
    icon: str | None
    color: str | None
    active: bool
    created_at: datetime
    updated_at: datetime
    version: int


@frozen(kw_only=True)
class ServiceFilter:
    """Which services a list holds; deleted ones never.

    ``text`` is folded already (``model.searchable``) and matched as a substring of the
    service's ``search_text``. ``active`` None: active and inactive alike.
    """

    category: str | None = None
    text: str | None = None
    active: bool | None = True


def view_of(service: Service) -> ServiceView:
    return ServiceView(
        id=service.id,
        title=service.title,
        description=service.description,
        category=service.category,
        icon=service.icon,
        color=service.color,
        active=service.active,
        created_at=service.created_at,
        updated_at=service.updated_at,
        version=service.version,
    )


class ListCache:
    """The pages of the catalog this process answered lately, kept for ``ttl``.

    Every catalog write this process commits clears it, so a process always shows its own
    changes at once; another process's changes show within ``ttl``. A page read while a write
    was committing is not kept (``generation``). At most ``max_entries`` pages are kept; the
    oldest goes first.
    """

    def __init__(self, ttl: timedelta, max_entries: int = 256) -> None:
        self._ttl = ttl
        self._max_entries = max_entries
        self._pages: dict[Hashable, tuple[datetime, Page[ServiceView]]] = {}
        self.generation = 0

    def get(self, key: Hashable, now: datetime) -> Page[ServiceView] | None:
        found = self._pages.get(key)
        if found is None:
            return None
        if found[0] <= now:
            del self._pages[key]
            return None
        return found[1]

    def put(self, key: Hashable, page: Page[ServiceView], generation: int, now: datetime) -> None:
        """Keep ``page``, read when the cache was at ``generation``, unless a write came since."""
        if generation != self.generation or self._ttl <= timedelta(0):
            return
        self._pages.pop(key, None)
        while len(self._pages) >= self._max_entries:
            del self._pages[next(iter(self._pages))]
        self._pages[key] = (now + self._ttl, page)

    def clear(self) -> None:
        self._pages.clear()
        self.generation += 1
