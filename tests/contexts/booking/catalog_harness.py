"""The services catalog's harness, shared by its test modules (``test_catalog*.py``).

``open_catalog(backend)`` composes Alora on the test's backend with a ``FixedClock`` at
``START``; events committed by the bus are collected.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from attrs import define

from adapters.memory.store import MemoryStore
from alora_core.booking.bookings.model import Booking, BookingStatus
from alora_core.booking.catalog import commands as c
from alora_core.booking.catalog.model import Service
from alora_core.booking.catalog.queries import ServiceView
from alora_core.shared.actor import Actor, Role
from alora_core.shared.audit import AuditEntry
from alora_core.shared.clock import FixedClock
from alora_core.shared.commands import Command
from alora_core.shared.errors import Invalid
from alora_core.shared.events import DomainEvent
from alora_core.shared.pagination import Page
from entrypoints.bootstrap import Alora, memory_store
from support.backends import Backend, committed_events
from support.builders import add_user, audit_entries

START = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
ADMIN = uuid.UUID("00000000-0000-7000-8000-000000000001")
CUSTOMER = uuid.UUID("00000000-0000-7000-8000-000000000002")
AS_ADMIN = Actor(user_id=ADMIN, role=Role.ADMIN)
AS_CUSTOMER = Actor(user_id=CUSTOMER, role=Role.CUSTOMER)
T = TypeVar("T")


@define
class Catalog:
    alora: Alora
    backend: Backend
    store: MemoryStore
    """The in-memory backend's store (unused on SQL), which another process shares."""
    clock: FixedClock
    committed: list[DomainEvent]
    customer_id: uuid.UUID | None = None
    """Whose bookings ``add_booking`` stores, made on first use."""

    def uow_factory(self) -> Any:
        return self.alora.units_of_work["booking"]()

    async def handle(self, command: Command[T]) -> T:
        return await self.alora.bus.handle(command)

    async def another_process(self) -> Alora:
        """Alora composed again over the same database, as another API process is."""
        return await self.backend.build(clock=self.clock, store=self.store)

    async def create(self, title: str = "Plumbing", **fields: Any) -> Service:
        fields.setdefault("category", "plumbing")
        command = c.CreateService(actor=AS_ADMIN, service=c.NewService(title=title, **fields))
        return await self.handle(command)

    async def create_many(self, *items: c.NewService) -> list[Service]:
        return await self.handle(c.CreateServices(actor=AS_ADMIN, services=items))

    async def update(self, service: Service | uuid.UUID, version: int, **changes: Any) -> Service:
        service_id = service if isinstance(service, uuid.UUID) else service.id
        return await self.handle(
            c.UpdateService(
                actor=AS_ADMIN,
                service_id=service_id,
                version=version,
                changes=changes,
            )
        )

    async def delete(self, service_id: uuid.UUID) -> None:
        await self.handle(c.DeleteService(actor=AS_ADMIN, service_id=service_id))

    async def add_directly(self, *titles: str) -> None:
        """Store services in one transaction past the use cases' checks, as a racing writer's
        commit meets the database."""
        async with self.uow_factory() as uow:
            for title in titles:
                await uow.services.add(Service.create({"title": title, "category": "misc"}, START))
            await uow.commit()

    async def customer(self) -> uuid.UUID:
        if self.customer_id is None:
            self.customer_id = (await add_user(self.alora, "carla")).id
        return self.customer_id

    async def add_booking(self, service_id: uuid.UUID, status: str) -> None:
        """Store a booking of the service in ``status`` the way the bookings part stores one."""
        async with self.uow_factory() as uow:
            await uow.bookings.add(await self.booking_of(service_id, status))
            await uow.commit()

    async def booking_of(self, service_id: uuid.UUID, status: str) -> Booking:
        """A booking of the service in ``status``, three days ahead; only what the catalog reads
        (``service_id``, ``status``) matters."""
        customer_id = await self.customer()
        start = START + timedelta(days=3)
        return Booking(
            customer_id=customer_id,
            professional_id=customer_id,
            service_id=service_id,
            status=BookingStatus(status),
            start=start,
            end=start + timedelta(hours=1),
            blocked_until=start + timedelta(hours=1),
            address="1 Main Street",
            notes="",
            price=None,
            created_at=START,
            updated_at=START,
        )

    async def list(self, **query: Any) -> Page[ServiceView]:
        return await self.handle(c.ListServices(**query))

    async def titles(self, **query: Any) -> list[str]:
        query.setdefault("page_size", 100)
        return [item.title for item in (await self.list(**query)).items]

    async def get(self, service_id: uuid.UUID, *, admin: bool = False) -> ServiceView:
        return await self.handle(
            c.GetService(service_id=service_id, viewer=AS_ADMIN if admin else Actor.anonymous())
        )

    async def stored(self, service_id: uuid.UUID) -> Service | None:
        async with self.uow_factory().reading() as uow:
            service: Service | None = await uow.services.get(service_id)
            return service

    async def audit(self, action: str) -> list[AuditEntry]:
        return await audit_entries(self.alora, action)

    def events(self, kind: type[DomainEvent]) -> list[Any]:
        return [event for event in self.committed if isinstance(event, kind)]


async def open_catalog(backend: Backend) -> Catalog:
    clock = FixedClock(START)
    store = memory_store()
    alora = await backend.build(clock=clock, store=store)
    return Catalog(alora, backend, store, clock, committed_events(alora))


def new(title: str, category: str = "cleaning", **fields: Any) -> c.NewService:
    return c.NewService(title=title, category=category, **fields)


def fields_of(error: Invalid) -> list[str]:
    return [problem.field for problem in error.errors]
