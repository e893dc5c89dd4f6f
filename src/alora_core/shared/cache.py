"""A short-lived cache of list pages, for public lists read far more often than they change."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from alora_core.shared.pagination import Page

T = TypeVar("T")


class PageCache(Generic[T]):
    """The pages of a list this process answered lately, kept for ``ttl``.

    Every write this process commits to the list clears it, so a process always shows its own
    changes at once; other changes show within ``ttl``. A page read while a write was
    committing is not kept (``generation``). At most ``max_entries`` pages are kept; the oldest
    goes first.
    """

    def __init__(self, ttl: timedelta, max_entries: int = 256) -> None:
        self._ttl = ttl
        self._max_entries = max_entries
        self._pages: dict[Hashable, tuple[datetime, Page[T]]] = {}
        self.generation = 0

    def get(self, key: Hashable, now: datetime) -> Page[T] | None:
        found = self._pages.get(key)
        if found is None:
            return None
        if found[0] <= now:
            del self._pages[key]
            return None
        return found[1]

    def put(self, key: Hashable, page: Page[T], generation: int, now: datetime) -> None:
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
