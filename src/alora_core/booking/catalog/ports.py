"""What the catalog needs from storage."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Protocol

from alora_core.booking.catalog.model import Service
from alora_core.booking.catalog.queries import ServiceFilter, ServiceView
from alora_core.shared.pagination import Page, PageRequest
from alora_core.shared.uow import UnitOfWork


class Services(Protocol):
    async def add(self, service: Service) -> None:
        """On commit, a title another live service has (ignoring case) raises ``Conflict``
        naming ``title``: the database's unique index decides races."""
        ...

    async def get(self, service_id: uuid.UUID) -> Service | None:
        """The service; None when there is none or it is deleted."""
        ...

    async def get_for_share(self, service_id: uuid.UUID) -> Service | None:
        """``get``, and the service cannot be deleted or changed by another transaction until
        this one ends (``FOR SHARE`` on PostgreSQL). Bookings take it this way, so a booking
        and the deletion of its service never both succeed."""
        ...

    async def get_for_update(self, service_id: uuid.UUID) -> Service | None:
        """``get``, locked against other writers and sharers until this transaction ends
        (``FOR UPDATE`` on PostgreSQL)."""
        ...

    async def titles_in_use(self, keys: Collection[str]) -> set[str]:
        """Which of the title keys (``model.title_key``) live services have."""
        ...

    async def has_open_bookings(self, service_id: uuid.UUID) -> bool:
        """Whether a pending or confirmed booking uses the service."""
        ...

    async def page(self, where: ServiceFilter, page: PageRequest) -> Page[ServiceView]:
        """One page of live services matching ``where``, by title ignoring case and accents
        (``search_text``) then id, with the number of matches."""
        ...


class CatalogUnitOfWork(UnitOfWork, Protocol):
    @property
    def services(self) -> Services: ...
