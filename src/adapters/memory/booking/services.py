"""The services catalog in memory, through a ``MemoryUnitOfWork``.

Mirrors ``adapters.sqlalchemy.booking.services``. What the database enforces is checked at
commit, against the committed rows (memory commits are atomic): titles unique among live
services ignoring case (the unique index on ``lower(title)``), no deletion of a service an open
booking uses (``FOR UPDATE``), and no booking of a service deleted meanwhile (``FOR SHARE``).
Bookings are read from the store's ``bookings`` table (``Booking`` rows with ``service_id`` and
``status``) when the store has one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from alora_core.booking.catalog.errors import ServiceInUse, TitleInUse
from alora_core.booking.catalog.model import Service
from alora_core.booking.catalog.queries import ServiceFilter, ServiceView, view_of
from alora_core.shared.errors import Conflict
from alora_core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork

TABLE = "services"
OPEN_STATUSES = frozenset({"pending", "confirmed"})


class MemoryServices:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, service: Service) -> None:
        self._uow.add(TABLE, service)
        self._uow.before_commit(self._check_titles)

    async def get(self, service_id: uuid.UUID) -> Service | None:
        service: Service | None = self._uow.load(TABLE, service_id)
        if service is None or service.deleted_at is not None:
            return None
        self._uow.before_commit(self._check_titles)  # a loaded service may be renamed
        return service

    async def get_for_share(self, service_id: uuid.UUID) -> Service | None:
        service = await self.get(service_id)
        if service is not None:
            self._uow.before_commit(lambda: self._check_still_live(service_id))
        return service

    async def get_for_update(self, service_id: uuid.UUID) -> Service | None:
        service = await self.get(service_id)
        if service is not None:
            self._uow.before_commit(lambda: self._check_deletable(service))
        return service

    async def titles_in_use(self, keys: Collection[str]) -> set[str]:
        wanted = set(keys)
        live = self._uow.scan(TABLE, lambda s: s.deleted_at is None and s.title_key in wanted)
        return {service.title_key for service in live}

    async def has_open_bookings(self, service_id: uuid.UUID) -> bool:
        if "bookings" not in self._uow.store.tables:
            return False
        return next(self._uow.scan("bookings", _open_booking_of(service_id)), None) is not None

    async def page(self, where: ServiceFilter, page: PageRequest) -> Page[ServiceView]:
        def matches(service: Service) -> bool:
            return (
                service.deleted_at is None
                and (where.active is None or service.active is where.active)
                and (where.category is None or service.category == where.category)
                and (where.text is None or where.text in service.search_text)
            )

        found = sorted(self._uow.scan(TABLE, matches), key=lambda s: (s.search_text, s.id))
        items = [view_of(s) for s in found[page.offset : page.offset + page.page_size]]
        return Page(items=items, total=len(found), page=page.page, page_size=page.page_size)

    # -- what the database would refuse -----------------------------------------------------

    def _check_titles(self) -> None:
        seen: set[str] = set()
        for service in self._uow.scan(TABLE, lambda s: s.deleted_at is None):
            if service.title_key in seen:
                raise TitleInUse()
            seen.add(service.title_key)

    def _check_still_live(self, service_id: uuid.UUID) -> None:
        stored = self._uow.store.rows("services").get(service_id)
        if stored is None or stored.deleted_at is not None:
            raise Conflict("the service was deleted meanwhile")

    def _check_deletable(self, service: Service) -> None:
        stored = self._uow.store.rows("services").get(service.id)
        newly_deleted = service.deleted_at is not None and (
            stored is None or stored.deleted_at is None
        )
        if newly_deleted and self._committed_open_booking(service.id):
            raise ServiceInUse()

    def _committed_open_booking(self, service_id: uuid.UUID) -> bool:
        bookings = self._uow.store.tables.get("bookings")
        if bookings is None:
            return False
        matches = _open_booking_of(service_id)
        return any(matches(row) for row in bookings.rows.values())


def _open_booking_of(service_id: uuid.UUID) -> Callable[[Any], bool]:
    return lambda b: b.service_id == service_id and str(b.status) in OPEN_STATUSES
