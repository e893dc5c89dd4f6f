"""The market: the harness the reviews and favorites suites share (and the review counters'
race), on the test's backend.

``open_market(backend)`` composes Alora there with a ``FixedClock`` at ``START`` and an
administrator; events committed by the bus are collected. Professionals work every day, all
day, in UTC; completed bookings are made the real way: requested by the customer, confirmed
and completed by the professional.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from attrs import define

from alora_core.booking.bookings import commands as bc
from alora_core.booking.catalog.commands import CreateService, NewService
from alora_core.booking.professionals import commands as pc
from alora_core.booking.reviews import commands as c
from alora_core.booking.reviews.queries import ReviewView
from alora_core.identity.model import Role, User
from alora_core.shared.actor import Actor
from alora_core.shared.clock import FixedClock
from alora_core.shared.commands import Command
from alora_core.shared.events import DomainEvent
from alora_core.shared.pagination import PageRequest
from entrypoints.bootstrap import Alora
from support.backends import Backend, committed_events
from support.builders import add_user, audit_entries, change_user, delete_user

# A Tuesday, 12:00 UTC.
START = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
EVERY_DAY = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
T = TypeVar("T")


def customer(user_id: uuid.UUID) -> Actor:
    return Actor(user_id=user_id, role=Role.CUSTOMER, email_verified=True)


def professional(user_id: uuid.UUID) -> Actor:
    return Actor(user_id=user_id, role=Role.PROFESSIONAL, email_verified=True)


def administrator(user_id: uuid.UUID) -> Actor:
    return Actor(user_id=user_id, role=Role.ADMIN, email_verified=True)


@define
class Market:
    alora: Alora
    clock: FixedClock
    committed: list[DomainEvent]
    admin_id: uuid.UUID
    service_id: uuid.UUID | None = None

    def uow_factory(self) -> Any:
        return self.alora.units_of_work["booking"]()

    async def handle(self, command: Command[T]) -> T:
        return await self.alora.bus.handle(command)

    def events(self) -> list[DomainEvent]:
        """The events committed since the last call."""
        events, self.committed[:] = list(self.committed), []
        return events

    async def add_user(
        self, name: str, role: Role = Role.CUSTOMER, *, full_name: str | None = None
    ) -> uuid.UUID:
        user = await add_user(self.alora, name, role, full_name=full_name, verified=True)
        return user.id

    async def change_user(self, user_id: uuid.UUID, change: Callable[[User], None]) -> None:
        await change_user(self.alora, user_id, change)

    async def delete_user(self, user_id: uuid.UUID) -> None:
        await delete_user(self.alora, user_id)

    async def service(self) -> uuid.UUID:
        if self.service_id is None:
            service = await self.handle(
                CreateService(
                    actor=administrator(self.admin_id),
                    service=NewService(title="Plumbing", category="plumbing"),
                )
            )
            self.service_id = service.id
        return self.service_id

    async def add_professional(self, name: str, **user: Any) -> uuid.UUID:
        """A professional with a profile, open every day around the clock in UTC."""
        professional_id = await self.add_user(name, Role.PROFESSIONAL, **user)
        await self.handle(
            pc.SaveProfile(
                actor=professional(professional_id),
                timezone="UTC",
                categories=["plumbing"],
                service_ids=[await self.service()],
                hourly_rate=pc.RateInput(amount=4500, currency="EUR"),
                service_area=pc.AreaInput(cities=["Berlin"]),
            )
        )
        await self.handle(
            pc.SetAvailability(
                actor=professional(professional_id),
                timezone="UTC",
                weekly=[
                    pc.DayInput(day=day, slots=[pc.HoursInput(start="00:00", end="24:00")])
                    for day in EVERY_DAY
                ],
                rules=pc.RulesInput(min_notice_minutes=0, horizon_days=365),
            )
        )
        return professional_id

    async def booking(
        self, customer_id: uuid.UUID, professional_id: uuid.UUID, status: str = "completed"
    ) -> uuid.UUID:
        """A booking in ``status`` (pending, confirmed, cancelled or completed) an hour from
        now; completing it moves the clock past its end."""
        booking = await self.handle(
            bc.RequestBooking(
                actor=customer(customer_id),
                professional_id=professional_id,
                service_id=await self.service(),
                start=self.clock.now() + timedelta(hours=1),
                duration_minutes=60,
                address="1 Main Street, Berlin",
            )
        )
        pro = professional(professional_id)
        if status == "cancelled":
            await self.handle(
                bc.CancelBooking(
                    actor=customer(customer_id), booking_id=booking.id, reason="Plans changed"
                )
            )
        if status in {"confirmed", "completed"}:
            await self.handle(bc.ConfirmBooking(actor=pro, booking_id=booking.id))
        if status == "completed":
            self.clock.advance(timedelta(hours=2))
            await self.handle(bc.CompleteBooking(actor=pro, booking_id=booking.id))
        return booking.id

    async def completed_bookings(self, pairs: list[tuple[uuid.UUID, uuid.UUID]]) -> list[uuid.UUID]:
        """Many completed bookings at once: booked back to back, then all completed."""
        ids = []
        first = self.clock.now() + timedelta(hours=1)
        for index, (customer_id, professional_id) in enumerate(pairs):
            booking = await self.handle(
                bc.RequestBooking(
                    actor=customer(customer_id),
                    professional_id=professional_id,
                    service_id=await self.service(),
                    start=first + timedelta(hours=index),
                    duration_minutes=60,
                    address="1 Main Street, Berlin",
                )
            )
            await self.handle(
                bc.ConfirmBooking(actor=professional(professional_id), booking_id=booking.id)
            )
            ids.append(booking.id)
        self.clock.advance(timedelta(hours=len(pairs) + 2))
        for booking_id, (_, professional_id) in zip(ids, pairs, strict=True):
            await self.handle(
                bc.CompleteBooking(actor=professional(professional_id), booking_id=booking_id)
            )
        return ids

    async def review(
        self, author_id: uuid.UUID, booking_id: uuid.UUID, rating: int = 5, comment: str = ""
    ) -> ReviewView:
        return await self.handle(
            c.WriteReview(
                actor=customer(author_id),
                booking_id=booking_id,
                rating=rating,
                comment=comment,
            )
        )

    async def counters(self, professional_id: uuid.UUID) -> tuple[int, int]:
        """The profile's ``(review_count, rating_total)``."""
        async with self.uow_factory().reading() as uow:
            profile = await uow.professionals.get(professional_id)
            return profile.review_count, profile.rating_total

    async def actual(self, professional_id: uuid.UUID) -> tuple[int, int]:
        """``(COUNT, SUM)`` over the professional's stored reviews."""
        async with self.uow_factory().reading() as uow:
            page = await uow.reviews.page(professional_id, PageRequest(1, 100))
        assert page.total <= 100
        return page.total, sum(view.review.rating for view in page.items)

    async def stored(self, review_id: uuid.UUID) -> Any:
        async with self.uow_factory().reading() as uow:
            return await uow.reviews.get(review_id)

    async def audit_actions(self) -> list[str]:
        entries = await audit_entries(self.alora)
        return [entry.action for entry in entries if entry.target_type == "review"]


async def open_market(backend: Backend) -> Market:
    """A ``Market`` on ``backend``, with an administrator."""
    clock = FixedClock(START)
    alora = await backend.build(clock=clock)
    admin = await add_user(alora, "root", Role.ADMIN, verified=True)
    return Market(alora=alora, clock=clock, committed=committed_events(alora), admin_id=admin.id)
