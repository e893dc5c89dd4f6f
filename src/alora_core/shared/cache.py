"""A short-lived cache of list pages, for public lists read far more often than they change."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from alora_core.shared.pagination import Page

T = TypeVar("T")
V = TypeVar("V")


class PageCache(Generic[T]):
    """The pages of a list this process answered lately, kept for ``ttl``.

    Every write this process commits to the list clears it, so a process always shows its own
    changes at once; other changes show within ``ttl``. A page read while a write was
    committing is not kept (``generation``). At most ``max_entries`` pages are kept; the oldest
    goes first.

    Beside the pages, an entry point may keep what it answered for a page, as bytes
    (``encoded``), under keys of its own; the same ``ttl``, clearing and generation apply.
    Concurrent misses for one key (``page``, ``encode``) wait for one load rather than each
    reading the database: the first caller's, run as a task of its own so that a caller who
    goes away does not cancel it for the others. A caller after a write never joins a load
    that began before it.
    """

    def __init__(self, ttl: timedelta, max_entries: int = 256) -> None:
        self._ttl = ttl
        self._max_entries = max_entries
        self._pages: dict[Hashable, tuple[datetime, Page[T]]] = {}
        self._encoded: dict[Hashable, tuple[datetime, bytes]] = {}
        self._loads: dict[tuple[str, Hashable, int], asyncio.Future[Any]] = {}
        self.generation = 0

    def get(self, key: Hashable, now: datetime) -> Page[T] | None:
        return _fresh(self._pages, key, now)

    def put(self, key: Hashable, page: Page[T], generation: int, now: datetime) -> None:
        """Keep ``page``, read when the cache was at ``generation``, unless a write came since."""
        self._keep(self._pages, key, page, generation, now)

    async def page(
        self, key: Hashable, now: datetime, load: Callable[[], Awaitable[Page[T]]]
    ) -> Page[T]:
        """The page for ``key``: kept, being loaded, or loaded now with ``load`` and kept."""
        found = self.get(key, now)
        if found is not None:
            return found
        return await self._single_flight("page", self._pages, key, now, load)

    def encoded(self, key: Hashable, now: datetime) -> bytes | None:
        """The bytes kept for ``key`` by ``encode``, if still fresh."""
        return _fresh(self._encoded, key, now)

    async def encode(
        self, key: Hashable, now: datetime, load: Callable[[], Awaitable[bytes]]
    ) -> bytes:
        """The bytes for ``key``: kept, being made, or made now with ``load`` and kept."""
        found = self.encoded(key, now)
        if found is not None:
            return found
        return await self._single_flight("encoded", self._encoded, key, now, load)

    def clear(self) -> None:
        self._pages.clear()
        self._encoded.clear()
        self._loads.clear()  # loads under way finish for their callers, and are not kept
        self.generation += 1

    # -- inside ----------------------------------------------------------------------------------

    def _keep(
        self,
        store: dict[Hashable, tuple[datetime, V]],
        key: Hashable,
        value: V,
        generation: int,
        now: datetime,
    ) -> None:
        if generation != self.generation or self._ttl <= timedelta(0):
            return
        store.pop(key, None)
        while len(store) >= self._max_entries:
            del store[next(iter(store))]
        store[key] = (now + self._ttl, value)

    async def _single_flight(
        self,
        kind: str,
        store: dict[Hashable, tuple[datetime, V]],
        key: Hashable,
        now: datetime,
        load: Callable[[], Awaitable[V]],
    ) -> V:
        generation = self.generation
        flight_key = (kind, key, generation)
        flight = self._loads.get(flight_key)
        if flight is None:

            async def run() -> V:
                value = await load()
                self._keep(store, key, value, generation, now)
                return value

            flight = asyncio.ensure_future(run())
            self._loads[flight_key] = flight
            flight.add_done_callback(lambda done: self._landed(flight_key, done))
        value: V = await asyncio.shield(flight)
        return value

    def _landed(self, flight_key: tuple[str, Hashable, int], done: asyncio.Future[Any]) -> None:
        if self._loads.get(flight_key) is done:
            del self._loads[flight_key]
        if not done.cancelled():
            done.exception()  # retrieved: a load whose callers all left logs no warning


def _fresh(store: dict[Hashable, tuple[datetime, V]], key: Hashable, now: datetime) -> V | None:
    found = store.get(key)
    if found is None:
        return None
    if found[0] <= now:
        del store[key]
        return None
    return found[1]
