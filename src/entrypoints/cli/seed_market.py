"""The booking module's part of ``alora seed demo``: the demo marketplace around its users.

A catalog of services; five professionals with profiles and weekly hours, three in Berlin (one
of them open around the clock) and two in New York; bookings in every status, one of them under
way; reviews of the completed ones (``seed_market_data`` holds them all). Everything is done
through the message bus, by the user who would do it.

The seed drives the clock: it starts ``HISTORY`` ago, when the profiles are made and the first
bookings requested and confirmed, moves past those bookings to complete and review them, makes
the booking under way (it starts about an hour before the real time), then comes back to the
real time for the bookings still ahead. Each start is one of the professional's open slots
(``ListOpenSlots``) when it is booked.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from attrs import evolve

from alora_core.booking.bookings import commands as bc
from alora_core.booking.bookings.model import Booking, BookingStatus
from alora_core.booking.catalog import commands as cc
from alora_core.booking.catalog.model import title_key
from alora_core.booking.professionals import commands as pc
from alora_core.booking.professionals.availability import ExceptionKind
from alora_core.booking.reviews import commands as rc
from alora_core.booking.reviews.queries import ReviewView
from alora_core.identity import commands as ic
from alora_core.shared.actor import Actor, Role
from alora_core.shared.clock import FixedClock
from alora_core.shared.commands import Command
from entrypoints.bootstrap import Alora
from entrypoints.cli.seed import Demo
from entrypoints.cli.seed_actors import ADMIN, acting
from entrypoints.cli.seed_market_data import (
    ADDRESSES,
    AHEAD,
    PAST,
    PROS,
    SERVICES,
    UNDER_WAY,
    UNDER_WAY_SINCE,
    Pro,
    Visit,
)

T = TypeVar("T")

STEP = timedelta(minutes=1)
"""How far the clock moves between two actions, so that they happen in order."""
CATCH_UP = timedelta(minutes=30)
"""The clock comes back this long before the real time, so that the steps taken after it
(a minute each) are not in the future."""
SLOT_WINDOW = timedelta(days=7)
"""Where a booking's start is looked for: this long from its day."""
STATUS_ORDER = tuple(BookingStatus)  # pending, confirmed, rejected, cancelled, completed ...


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


async def seed_market(demo: Demo) -> list[str]:
    """Build the marketplace unless its services exist; what was made, as lines to print."""
    alora, clock, users = demo.alora, demo.clock, demo.accounts
    if await _catalog_seeded(alora):
        return ["The demo marketplace already exists."]
    seeder = _Seeder(alora, clock, users)
    await seeder.open_market()
    past = [await seeder.follow(visit, await seeder.book(visit)) for visit in PAST]
    clock.advance(max(booking.end for booking in past) + timedelta(hours=2) - clock.now())
    past = [
        await seeder.complete(visit, booking) for visit, booking in zip(PAST, past, strict=True)
    ]
    reviews = [
        await seeder.review(visit, booking) for visit, booking in zip(PAST, past, strict=True)
    ]
    clock.advance(_minute(datetime.now(UTC)) - UNDER_WAY_SINCE - clock.now())
    under_way = [await seeder.follow(visit, await seeder.book(visit)) for visit in UNDER_WAY]
    clock.advance(_minute(datetime.now(UTC)) - CATCH_UP - clock.now())
    await seeder.take_day_off("finn", days=4, note="Family visit")
    ahead = [await seeder.follow(visit, await seeder.book(visit)) for visit in AHEAD]
    made = [*past, *under_way, *ahead]
    statuses = Counter(booking.status for booking in made)
    by_status = ", ".join(
        f"{status.value} {statuses[status]}" for status in STATUS_ORDER if statuses[status]
    )
    zones = " and ".join(dict.fromkeys(pro.timezone for pro in PROS))
    summary = (
        f"{len(SERVICES)} services, {len(PROS)} professionals ({zones}), "
        f"{len(made)} bookings ({by_status}), {len(reviews)} reviews"
    )
    return ["Marketplace: " + summary]


async def _catalog_seeded(alora: Alora) -> bool:
    async with alora.units_of_work["booking"]().reading() as uow:
        taken = await uow.services.titles_in_use([title_key(s.title) for s in SERVICES])
    return bool(taken)


class _Seeder:
    """The steps of the marketplace, each through the bus by the user who takes it."""

    def __init__(self, alora: Alora, clock: FixedClock, users: Mapping[str, uuid.UUID]) -> None:
        self.bus = alora.bus
        self.clock = clock
        self.users = users
        self.services: dict[str, uuid.UUID] = {}

    def customer(self, username: str) -> Actor:
        return acting(self.users[username], Role.CUSTOMER)

    def professional(self, username: str) -> Actor:
        return acting(self.users[username], Role.PROFESSIONAL)

    async def _handle(self, command: Command[T]) -> T:
        self.clock.advance(STEP)
        return await self.bus.handle(command)

    async def open_market(self) -> None:
        admin = acting(self.users[ADMIN], Role.ADMIN)
        made = await self._handle(cc.CreateServices(actor=admin, services=SERVICES))
        self.services = {service.title: service.id for service in made}
        for pro in PROS:
            await self._open_practice(pro)

    async def _open_practice(self, pro: Pro) -> None:
        actor = self.professional(pro.username)
        await self._handle(
            pc.SaveProfile(
                actor=actor,
                timezone=pro.timezone,
                categories=[s.category for s in SERVICES if s.title in pro.services],
                service_ids=[self.services[title] for title in pro.services],
                skills=pro.skills,
                bio=pro.bio,
                hourly_rate=pc.RateInput(amount=pro.rate_cents, currency="EUR"),
                service_area=pc.AreaInput(cities=pro.cities, postal_codes=pro.postal_codes),
            )
        )
        hours = [pc.HoursInput(start=start, end=end) for start, end in pro.hours]
        await self._handle(
            pc.SetAvailability(
                actor=actor,
                timezone=pro.timezone,
                weekly=[pc.DayInput(day=day, slots=hours) for day in pro.days],
                rules=pc.RulesInput(
                    buffer_minutes=pro.buffer_minutes,
                    min_notice_minutes=pro.min_notice_minutes,
                    slot_minutes=pro.slot_minutes,
                ),
            )
        )
        settings = await self.bus.handle(ic.GetSettings(actor=actor))
        await self._handle(
            ic.ReplaceSettings(actor=actor, settings=evolve(settings, timezone=pro.timezone))
        )

    async def take_day_off(self, username: str, *, days: int, note: str) -> None:
        pro = next(pro for pro in PROS if pro.username == username)
        local_today = self.clock.now().astimezone(ZoneInfo(pro.timezone)).date()
        await self._handle(
            pc.AddException(
                actor=self.professional(username),
                day=local_today + timedelta(days=days),
                kind=ExceptionKind.OFF,
                note=note,
            )
        )

    async def book(self, visit: Visit) -> Booking:
        """Request the visit at an open slot of the professional's."""
        customer = self.customer(visit.customer)
        pro = self.users[visit.pro]
        service = self.services[visit.service]
        # The request is made one STEP later (``_handle``): its start must still be ahead then.
        start_from = self.clock.now() + STEP + timedelta(days=visit.days)
        open_slots = await self.bus.handle(
            bc.ListOpenSlots(
                professional_id=pro,
                viewer=customer,
                start_from=start_from,
                start_to=start_from + SLOT_WINDOW,
                service_id=service,
                duration_minutes=visit.minutes,
            )
        )
        if not open_slots.slots:
            raise RuntimeError(f"{visit.pro} has no open slot for {visit.service}")
        slot = open_slots.slots[min(visit.slot, len(open_slots.slots) - 1)]
        pro_zone = next(p.timezone for p in PROS if p.username == visit.pro)
        booking = await self._handle(
            bc.RequestBooking(
                actor=customer,
                professional_id=pro,
                service_id=service,
                start=slot.start,
                duration_minutes=visit.minutes,
                address=ADDRESSES[pro_zone],
                notes=visit.notes,
            )
        )
        return booking

    async def follow(self, visit: Visit, booking: Booking) -> Booking:
        """Take the visit's steps: the professional answers, the customer cancels."""
        customer = self.customer(visit.customer)
        pro = self.professional(visit.pro)
        for step in visit.steps:
            if step == "confirm":
                booking = await self._handle(bc.ConfirmBooking(actor=pro, booking_id=booking.id))
            elif step == "reject":
                booking = await self._handle(
                    bc.RejectBooking(actor=pro, booking_id=booking.id, reason=visit.reason)
                )
            elif step == "cancel":
                booking = await self._handle(
                    bc.CancelBooking(actor=customer, booking_id=booking.id, reason=visit.reason)
                )
            else:
                raise ValueError(f"unknown step {step!r}")
        return booking

    async def complete(self, visit: Visit, booking: Booking) -> Booking:
        """The professional marks the visit done (the clock is past its start)."""
        pro = self.professional(visit.pro)
        return await self._handle(bc.CompleteBooking(actor=pro, booking_id=booking.id))

    async def review(self, visit: Visit, booking: Booking) -> ReviewView:
        view = await self._handle(
            rc.WriteReview(
                actor=self.customer(visit.customer),
                booking_id=booking.id,
                rating=visit.rating,
                comment=visit.review,
            )
        )
        if visit.reply:
            await self._handle(
                rc.ReplyToReview(
                    actor=self.professional(visit.pro), review_id=view.review.id, text=visit.reply
                )
            )
        return view
