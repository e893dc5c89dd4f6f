"""The bookings harness the bookings suites share, on the test's backend.

``open_bookings(backend)`` composes Alora there with a ``FixedClock`` at ``NOW``; events
committed by the bus are collected.

The professional ``pro`` (``add_professional``) works Monday to Friday, 09:00-17:00 in Berlin
(08:00-16:00 UTC in January), with a 2-hour notice, a 60-day horizon and one-hour slots. The
clock starts on Monday 2030-01-14 at 07:30 UTC.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from attrs import define, evolve

from alora_core.booking.bookings import commands as c
from alora_core.booking.bookings.model import Booking
from alora_core.booking.catalog.model import Service
from alora_core.booking.professionals.availability import (
    BookingRules,
    DayHours,
    TimeRange,
    Weekday,
)
from alora_core.booking.professionals.model import Offer, PersonName, ProfessionalProfile
from alora_core.identity.model import Role
from alora_core.shared.actor import Actor
from alora_core.shared.clock import FixedClock
from alora_core.shared.commands import Command
from alora_core.shared.events import DomainEvent
from alora_core.shared.money import Money
from alora_core.shared.pagination import PageRequest
from entrypoints.bootstrap import Alora
from support.backends import Backend, committed_events
from support.builders import add_user

NOW = datetime(2030, 1, 14, 7, 30, tzinfo=UTC)  # Monday, 08:30 in Berlin
TUESDAY_9 = datetime(2030, 1, 15, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
HOUR = timedelta(hours=1)
T = TypeVar("T")
WORKDAYS = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY)


@define
class Harness:
    alora: Alora
    clock: FixedClock
    committed: list[DomainEvent]
    default_service: uuid.UUID | None = None
    """The service ``pro`` offers, made by the fixture."""

    @property
    def service_id(self) -> uuid.UUID:
        assert self.default_service is not None
        return self.default_service

    def uow_factory(self) -> Any:
        return self.alora.units_of_work["booking"]()

    async def handle(self, command: Command[T]) -> T:
        return await self.alora.bus.handle(command)

    async def add_user(self, name: str, role: Role = Role.CUSTOMER, **settings: Any) -> Actor:
        user = await add_user(self.alora, name, role, verified=True, unique=True, **settings)
        return Actor(user_id=user.id, role=role, email_verified=True)

    async def add_service(self, title: str = "Plumbing", *, active: bool = True) -> uuid.UUID:
        service = Service.create(
            {"title": f"{title} {uuid.uuid4().hex[:6]}", "category": "home", "active": active},
            self.clock.now(),
        )
        async with self.uow_factory() as uow:
            await uow.services.add(service)
            await uow.commit()
        return service.id

    async def add_professional(
        self,
        name: str = "pro",
        *,
        services: tuple[uuid.UUID, ...] | None = None,
        rate: Money | None = Money(6000, "EUR"),
        buffer_minutes: int = 0,
        slot_minutes: int = 60,
        timezone: str = "Europe/Berlin",
        **settings: Any,
    ) -> Actor:
        pro = await self.add_user(name, Role.PROFESSIONAL, timezone=timezone, **settings)
        assert pro.user_id is not None
        now = self.clock.now()
        profile = ProfessionalProfile.create(
            professional_id=pro.user_id,
            offer=Offer(
                service_ids=services if services is not None else (self.service_id,),
                hourly_rate=rate,
            ),
            timezone=timezone,
            name=PersonName(full_name=name.title(), username=name),
            now=now,
        )
        profile.set_hours(
            timezone=timezone,
            weekly=[DayHours(day, (TimeRange(9 * 60, 17 * 60),)) for day in WORKDAYS],
            rules=BookingRules(buffer_minutes=buffer_minutes, slot_minutes=slot_minutes),
            now=now,
        )
        async with self.uow_factory() as uow:
            await uow.professionals.add(profile)
            await uow.commit()
        return pro

    async def book(
        self,
        customer: Actor,
        pro: Actor,
        start: datetime = TUESDAY_9,
        minutes: int = 60,
        **fields: Any,
    ) -> Booking:
        assert pro.user_id is not None
        command = c.RequestBooking(
            actor=evolve(customer, email_verified=fields.pop("verified", True)),
            professional_id=fields.pop("professional_id", pro.user_id),
            service_id=fields.pop("service_id", None) or self.service_id,
            start=start,
            duration_minutes=minutes,
            address=fields.pop("address", "1 Main Street, Berlin"),
            notes=fields.pop("notes", ""),
        )
        booking: Booking = await self.handle(command)
        return booking

    async def get(self, actor: Actor, booking: Booking) -> Booking:
        found: Booking = await self.handle(c.GetBooking(actor=actor, booking_id=booking.id))
        return found

    async def confirm(self, actor: Actor, booking: Booking) -> Booking:
        done: Booking = await self.handle(c.ConfirmBooking(actor=actor, booking_id=booking.id))
        return done

    async def reject(self, actor: Actor, booking: Booking, reason: str = "fully booked") -> Booking:
        done: Booking = await self.handle(
            c.RejectBooking(actor=actor, booking_id=booking.id, reason=reason)
        )
        return done

    async def cancel(
        self, actor: Actor, booking: Booking, reason: str = "plans changed"
    ) -> Booking:
        done: Booking = await self.handle(
            c.CancelBooking(actor=actor, booking_id=booking.id, reason=reason)
        )
        return done

    async def complete(self, actor: Actor, booking: Booking) -> Booking:
        done: Booking = await self.handle(c.CompleteBooking(actor=actor, booking_id=booking.id))
        return done

    async def reschedule(self, actor: Actor, booking: Booking, start: datetime) -> Booking:
        done: Booking = await self.handle(
            c.RescheduleBooking(actor=actor, booking_id=booking.id, start=start)
        )
        return done

    async def listed(self, actor: Actor, **query: Any) -> list[uuid.UUID]:
        page = await self.handle(c.ListBookings(actor=actor, **query))
        return [booking.id for booking in page.items]

    def events_of(self, kind: type[DomainEvent]) -> list[Any]:
        return [event for event in self.committed if isinstance(event, kind)]

    async def audit_actions(self) -> list[str]:
        async with self.uow_factory() as uow:
            page = await uow.audit_log.list(PageRequest(1, 100))
            return [entry.action for entry in page.items]


async def open_bookings(backend: Backend, **environ: str) -> Harness:
    """A ``Harness`` on ``backend`` with a service for ``pro`` to offer; ``environ``
    (``ALORA_*`` variables) changes the settings."""
    clock = FixedClock(NOW)
    alora = await backend.build(clock=clock, environ=environ or None)
    harness = Harness(alora, clock, committed_events(alora))
    harness.default_service = await harness.add_service()
    return harness
