"""The demo marketplace that ``alora seed demo`` builds around its users.

A catalog of services; five professionals with profiles and weekly hours, three in Berlin (one
of them open around the clock) and two in New York; bookings in every status, one of them under
way; reviews of the completed ones; a few FAQ entries and the about page. Everything is done
through the message bus, by the user who would do it.

The seed drives the clock: it starts ``HISTORY`` ago, when the profiles are made and the first
bookings requested and confirmed, moves past those bookings to complete and review them, makes
the booking under way (it starts about an hour before the real time), then comes back to the
real time for the bookings still ahead. Each start is one of the professional's open slots
(``ListOpenSlots``) when it is booked.

The booking module's part of ``alora seed demo`` (``seed_market``), and the content module's
(``seed_content``); neither is a command module.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from attrs import evolve, frozen

from alora_core.booking.bookings import commands as bc
from alora_core.booking.bookings.model import Booking, BookingStatus
from alora_core.booking.catalog import commands as cc
from alora_core.booking.catalog.model import title_key
from alora_core.booking.professionals import commands as pc
from alora_core.booking.professionals.availability import ExceptionKind
from alora_core.booking.reviews import commands as rc
from alora_core.booking.reviews.queries import ReviewView
from alora_core.content import commands as content
from alora_core.content.errors import AboutPageExists
from alora_core.content.model import AboutContent, TeamMember
from alora_core.identity import commands as ic
from alora_core.shared.actor import Actor, Role
from alora_core.shared.clock import FixedClock
from alora_core.shared.commands import Command
from entrypoints.bootstrap import Alora
from entrypoints.cli.seed import Demo

T = TypeVar("T")

STEP = timedelta(minutes=1)
"""How far the clock moves between two actions, so that they happen in order."""
CATCH_UP = timedelta(minutes=30)
"""The clock comes back this long before the real time, so that the steps taken after it
(a minute each) are not in the future."""
SLOT_WINDOW = timedelta(days=7)
"""Where a booking's start is looked for: this long from its day."""
ADMIN = "admin"
STATUS_ORDER = tuple(BookingStatus)  # pending, confirmed, rejected, cancelled, completed ...

SERVICES = (
    cc.NewService(
        title="Plumbing",
        category="plumbing",
        description="Leaks, blocked drains, taps, toilets and water heaters.",
        icon="wrench",
        color="#1E88E5",
    ),
    cc.NewService(
        title="Electrical work",
        category="electrical",
        description="Sockets, switches, lighting, fuse boxes and safety checks.",
        icon="bolt",
        color="#FDD835",
    ),
    cc.NewService(
        title="House cleaning",
        category="cleaning",
        description="Regular or deep cleaning of flats and houses, windows included.",
        icon="broom",
        color="#26A69A",
    ),
    cc.NewService(
        title="Carpentry",
        category="carpentry",
        description="Furniture assembly and repair, shelves, doors and floors.",
        icon="hammer",
        color="#8D6E63",
    ),
    cc.NewService(
        title="Painting",
        category="painting",
        description="Walls, ceilings, doors and small exterior jobs.",
        icon="paint-roller",
        color="#EC407A",
    ),
    cc.NewService(
        title="Emergency locksmith",
        category="locksmith",
        description="Locked out, broken keys and lock changes, day and night.",
        icon="key",
        color="#546E7A",
    ),
    cc.NewService(
        title="Gardening",
        category="gardening",
        description="Lawn mowing, hedge trimming, planting and seasonal clean-ups.",
        icon="leaf",
        color="#43A047",
    ),
)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
EVERY_DAY = (*WEEKDAYS, "saturday", "sunday")


@frozen(kw_only=True)
class Pro:
    """A demo professional's offer and hours."""

    username: str
    timezone: str
    services: tuple[str, ...]
    skills: tuple[str, ...]
    bio: str
    rate_cents: int
    cities: tuple[str, ...]
    postal_codes: tuple[str, ...]
    days: tuple[str, ...]
    hours: tuple[tuple[str, str], ...]
    buffer_minutes: int = 0
    min_notice_minutes: int = 120
    slot_minutes: int = 60


PROS = (
    Pro(
        username="dan",
        timezone="Europe/Berlin",
        services=("Plumbing",),
        skills=("Leak repair", "Drain cleaning", "Boiler service"),
        bio="Licensed plumber with 15 years in Berlin flats and old buildings.",
        rate_cents=6500,
        cities=("Berlin",),
        postal_codes=("10115", "10117", "10119", "10435"),
        days=WEEKDAYS,
        hours=(("08:00", "12:00"), ("13:00", "17:00")),
        buffer_minutes=30,
    ),
    Pro(
        username="finn",
        timezone="Europe/Berlin",
        services=("Painting", "Carpentry"),
        skills=("Interior painting", "Wallpaper", "Furniture repair"),
        bio="Painter and carpenter: clean edges, careful with your furniture.",
        rate_cents=5500,
        cities=("Berlin", "Potsdam"),
        postal_codes=("10997", "10999", "14467"),
        days=("tuesday", "wednesday", "thursday", "friday", "saturday"),
        hours=(("09:00", "18:00"),),
    ),
    Pro(
        username="eva",
        timezone="America/New_York",
        services=("Electrical work",),
        skills=("Lighting", "Panel upgrades", "EV chargers"),
        bio="Master electrician serving Manhattan and Brooklyn since 2012.",
        rate_cents=8500,
        cities=("New York", "Brooklyn"),
        postal_codes=("10001", "10011", "11201"),
        days=(*WEEKDAYS, "saturday"),
        hours=(("09:00", "17:00"),),
        buffer_minutes=15,
    ),
    Pro(
        username="gia",
        timezone="America/New_York",
        services=("Gardening", "House cleaning"),
        skills=("Garden design", "Hedge trimming", "Deep cleaning"),
        bio="Gardens and homes kept in shape, with eco-friendly products.",
        rate_cents=4500,
        cities=("Brooklyn", "Queens"),
        postal_codes=("11201", "11215", "11375"),
        days=("monday", "wednesday", "friday", "saturday"),
        hours=(("08:00", "16:00"),),
    ),
    Pro(
        username="lou",
        timezone="Europe/Berlin",
        services=("Emergency locksmith",),
        skills=("Door opening", "Lock replacement", "Key cutting"),
        bio="Locked out at 3 a.m.? I come, day and night, all over Berlin.",
        rate_cents=9000,
        cities=("Berlin", "Potsdam"),
        postal_codes=("10115", "10117", "10119", "10435", "14467"),
        days=EVERY_DAY,
        hours=(("00:00", "24:00"),),
        min_notice_minutes=0,
        slot_minutes=30,
    ),
)

ADDRESSES = {
    "Europe/Berlin": "Torstraße 12, 10119 Berlin",
    "America/New_York": "250 Court St, Apt 3B, Brooklyn, NY 11201",
}


@frozen(kw_only=True)
class Visit:
    """A booking to make: who books whom for what, when (the first open slot ``days`` days
    ahead, or the ``slot``-th one), and what happens to it."""

    customer: str
    pro: str
    service: str
    minutes: int
    days: int
    notes: str
    slot: int = 0
    steps: tuple[str, ...] = ()
    """What happens to the request: ``confirm``, ``reject`` or ``cancel``, in order. The
    visits of the past are also completed and reviewed."""
    reason: str = ""
    rating: int = 0
    review: str = ""
    reply: str = ""


PAST = (
    Visit(customer="ada", pro="dan", service="Plumbing", minutes=60, days=1, slot=2,
          notes="The kitchen tap drips all night.", steps=("confirm",),
          rating=5, review="On time, fixed it in half an hour and left everything clean.",
          reply="Thank you, Ada! Call me whenever something leaks."),
    Visit(customer="ben", pro="dan", service="Plumbing", minutes=90, days=3,
          notes="Slow shower drain.", steps=("confirm",),
          rating=4, review="Drain works again. A little late, but he called ahead."),
    Visit(customer="cleo", pro="finn", service="Painting", minutes=180, days=2,
          notes="Living room, about 20 m², white.", steps=("confirm",),
          rating=5, review="Perfect edges and no mess. Highly recommended."),
    Visit(customer="ben", pro="eva", service="Electrical work", minutes=120, days=1, slot=1,
          notes="Two ceiling lights and a dimmer.", steps=("confirm",),
          rating=4, review="Knows her craft; explained everything she did."),
    Visit(customer="ada", pro="gia", service="House cleaning", minutes=120, days=2,
          notes="Spring cleaning, windows included.", steps=("confirm",),
          rating=5, review="The flat has never been this clean."),
    Visit(customer="ben", pro="lou", service="Emergency locksmith", minutes=60, days=4,
          notes="Locked out, key inside.", steps=("confirm",),
          rating=5, review="There in twenty minutes, door open without a scratch."),
)  # fmt: skip

UNDER_WAY = (
    Visit(customer="ada", pro="lou", service="Emergency locksmith", minutes=60, days=0,
          notes="The front door lock is jammed.", steps=("confirm",)),
)  # fmt: skip
"""Confirmed bookings that started shortly before the seed ran: the professional can complete
them now (or the completion job does, ``ALORA_BOOKING_COMPLETION_GRACE_MINUTES`` after their
end), and the customer can then review them."""
UNDER_WAY_SINCE = timedelta(minutes=90)
"""How long before the real time the bookings under way are requested (their starts follow
within the professional's slot length)."""

AHEAD = (
    Visit(customer="cleo", pro="dan", service="Plumbing", minutes=60, days=2, slot=1,
          notes="New washing machine to connect."),
    Visit(customer="ben", pro="gia", service="Gardening", minutes=120, days=3,
          notes="Hedge and lawn, small backyard."),
    Visit(customer="ada", pro="finn", service="Carpentry", minutes=90, days=5, slot=2,
          notes="A wardrobe door hangs loose."),
    Visit(customer="ada", pro="eva", service="Electrical work", minutes=60, days=2, slot=3,
          notes="Outdoor socket on the balcony.", steps=("confirm",)),
    Visit(customer="cleo", pro="gia", service="House cleaning", minutes=180, days=6,
          notes="Moving out: final cleaning.", steps=("confirm",)),
    Visit(customer="ben", pro="finn", service="Painting", minutes=240, days=4,
          notes="Hallway and two doors.", steps=("reject",),
          reason="I am on a large job that week, sorry. Please try the week after."),
    Visit(customer="ada", pro="dan", service="Plumbing", minutes=60, days=8,
          notes="Toilet keeps running.", steps=("cancel",),
          reason="A neighbour fixed it, thank you anyway."),
    Visit(customer="cleo", pro="eva", service="Electrical work", minutes=90, days=9,
          notes="Kitchen lights flicker.", steps=("confirm", "cancel"),
          reason="The landlord sends his own electrician."),
)  # fmt: skip

FAQS = (
    ("booking", "How do I book a professional?",
     "Open a professional's profile, choose a service and one of the open times, shown in "
     "the professional's time zone, and send the request. The professional confirms or "
     "declines it, and you are notified either way."),
    ("booking", "Can I cancel a booking?",
     "Yes, while it is pending or confirmed. A cancellation less than 24 hours before the "
     "start is recorded as late."),
    ("payment", "How are prices set?",
     "Each professional sets an hourly rate in euros; a booking costs the rate times its "
     "duration."),
    ("general", "How do reviews work?",
     "Once a booking is completed, its customer may rate it from 1 to 5 stars and write a "
     "comment. The professional may reply publicly."),
)  # fmt: skip

ABOUT = AboutContent(
    title="About Alora",
    description="Alora connects people with trusted local professionals for work at home.",
    mission="Make booking a plumber as easy as booking a table.",
    vision="Every neighbourhood's craftspeople, one tap away.",
    values=("Trust", "Fair prices", "Work done well"),
    team_members=(TeamMember(name="Root Admin", role="Operations"),),
    contact_email="hello@demo.alora.local",
)


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _acting(user_id: uuid.UUID, role: Role) -> Actor:
    """A demo user acting; every demo account is verified."""
    return Actor(user_id=user_id, role=role, email_verified=True)


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


async def seed_content(demo: Demo) -> list[str]:
    """The FAQ (when it is empty) and the about page (when there is none)."""
    alora, admin = demo.alora, _acting(demo.accounts[ADMIN], Role.ADMIN)
    made = []
    faqs = await alora.bus.handle(content.ListFaqs(include_inactive=True, viewer=admin))
    if not faqs:
        for order, (kind, question, answer) in enumerate(FAQS):
            await alora.bus.handle(
                content.CreateFaq(
                    actor=admin,
                    type=kind,
                    question=question,
                    answer=answer,
                    order=order,
                )
            )
        made.append(f"{len(FAQS)} FAQ entries")
    try:
        await alora.bus.handle(content.InitializeAboutPage(actor=admin, content=ABOUT))
        made.append("the about page")
    except AboutPageExists:
        pass
    return ["Content: " + ", ".join(made)] if made else []


class _Seeder:
    """The steps of the marketplace, each through the bus by the user who takes it."""

    def __init__(self, alora: Alora, clock: FixedClock, users: Mapping[str, uuid.UUID]) -> None:
        self.bus = alora.bus
        self.clock = clock
        self.users = users
        self.services: dict[str, uuid.UUID] = {}

    def customer(self, username: str) -> Actor:
        return _acting(self.users[username], Role.CUSTOMER)

    def professional(self, username: str) -> Actor:
        return _acting(self.users[username], Role.PROFESSIONAL)

    async def _handle(self, command: Command[T]) -> T:
        self.clock.advance(STEP)
        return await self.bus.handle(command)

    async def open_market(self) -> None:
        admin = _acting(self.users[ADMIN], Role.ADMIN)
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
