"""Professional profiles: the use cases, the directory and the search-name reaction.

The same tests run in memory (tests/unit) and against SQLite and PostgreSQL (tests/integration):
each importing module provides the ``uow_factory`` fixture. The ``p`` fixture wires the part the
way the composition root does (``command_handlers``) around that factory, with a ``FixedClock``,
and keeps the events each command committed.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from attrs import define
from sqlalchemy import text

from adapters.memory.uow import MemoryUnitOfWork
from alora_core.booking.catalog.model import Service
from alora_core.booking.professionals import commands as c
from alora_core.booking.professionals.availability import (
    BookingRules,
    DayHours,
    ExceptionKind,
    TimeRange,
    Weekday,
)
from alora_core.booking.professionals.events import AvailabilityUpdated, ProfileUpdated
from alora_core.booking.professionals.model import ProfessionalProfile, ServiceArea
from alora_core.booking.professionals.queries import DirectoryEntry, Sort
from alora_core.booking.professionals.use_cases import (
    DIRECTORY_CACHE_TTL,
    ProfessionalsDeps,
    command_handlers,
    refresh_search_name,
)
from alora_core.files.model import StoredFile
from alora_core.identity.model import Role, User, UserSettings, Visibility
from alora_core.shared.actor import Actor
from alora_core.shared.clock import FixedClock
from alora_core.shared.errors import Conflict, Forbidden, Invalid, NotFound
from alora_core.shared.events import DomainEvent
from alora_core.shared.messagebus import MessageBus
from alora_core.shared.money import Money
from alora_core.shared.pagination import Page

# 12:00 UTC: 13:00 in Berlin (winter).
START = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
_phones = itertools.count(1000)


def fields_of(error: Invalid) -> list[str]:
    return [e.field for e in error.errors]


def acting(user_id: uuid.UUID, *, is_professional: bool = True) -> Actor:
    """The user acting on their own profile: a professional, or a customer."""
    return Actor(user_id=user_id, role=Role.PROFESSIONAL if is_professional else Role.CUSTOMER)


def viewing(user_id: uuid.UUID | None, *, admin: bool = False) -> Actor:
    """Who reads the directory: nobody signed in, a user, or an administrator."""
    if user_id is None:
        return Actor.anonymous()
    return Actor(user_id=user_id, role=Role.ADMIN if admin else Role.CUSTOMER)


@define
class Harness:
    uow_factory: Callable[[], Any]
    clock: FixedClock
    bus: MessageBus
    committed: list[DomainEvent]

    async def handle(self, command: object) -> Any:
        return await self.bus.handle(command)

    @property
    def backend(self) -> str:
        uow = self.uow_factory()
        if isinstance(uow, MemoryUnitOfWork):
            return "memory"
        return str(uow._factory.kw["bind"].dialect.name)

    # -- arranging ----------------------------------------------------------------------------

    async def add_user(
        self,
        name: str,
        *,
        role: Role = Role.PROFESSIONAL,
        full_name: str | None = None,
        suspended: bool = False,
        **settings: Any,
    ) -> uuid.UUID:
        user = User(
            full_name=full_name or f"{name.title()} Example",
            username=name,
            email=f"{name}@example.com",
            phone=f"+1415555{next(_phones):04d}",
            password_hash="not a real hash",
            role=role,
            created_at=self.clock.now(),
            suspended_at=self.clock.now() if suspended else None,
            settings=UserSettings(**settings),
        )
        async with self.uow_factory() as uow:
            await uow.users.add(user)
            await uow.commit()
        return user.id

    async def add_service(self, title: str, *, active: bool = True) -> uuid.UUID:
        service = Service.create(
            {"title": title, "category": "repairs", "active": active}, self.clock.now()
        )
        async with self.uow_factory() as uow:
            await uow.services.add(service)
            await uow.commit()
        return service.id

    async def add_file(self, owner_id: uuid.UUID, content_type: str = "image/png") -> uuid.UUID:
        file_id = uuid.uuid4()
        stored = StoredFile(
            id=file_id,
            owner_id=owner_id,
            content_type=content_type,
            size=10,
            sha256="0" * 64,
            filename="work.png",
            public=True,
            storage_key=f"{owner_id}/{file_id}",
            created_at=self.clock.now(),
            updated_at=self.clock.now(),
        )
        async with self.uow_factory() as uow:
            await uow.files.add(stored)
            await uow.commit()
        return file_id

    async def rename_user(self, user_id: uuid.UUID, full_name: str) -> None:
        async with self.uow_factory() as uow:
            user = await uow.users.get(user_id)
            user.update_profile(self.clock.now(), full_name=full_name)
            await uow.commit()

    async def review(self, professional_id: uuid.UUID, *ratings: int) -> None:
        """What the reviews part does for each review: a relative update of the counters."""
        uow = self.uow_factory()
        if isinstance(uow, MemoryUnitOfWork):
            stored = uow.store.rows("professional_profiles")[professional_id]
            stored.review_count += len(ratings)
            stored.rating_total += sum(ratings)
            return
        async with uow:
            await uow.execute(
                text(
                    "UPDATE professional_profiles SET review_count = review_count + :n, "
                    "rating_total = rating_total + :r WHERE id = :p"
                ).bindparams(n=len(ratings), r=sum(ratings), p=professional_id)
            )
            await uow.commit()

    # -- acting -------------------------------------------------------------------------------

    async def save(self, professional_id: uuid.UUID, **fields: Any) -> ProfessionalProfile:
        fields.setdefault("timezone", "Europe/Berlin")
        actor = acting(professional_id, is_professional=fields.pop("is_professional", True))
        profile: ProfessionalProfile = await self.handle(c.SaveProfile(actor=actor, **fields))
        return profile

    async def set_hours(
        self, professional_id: uuid.UUID, weekly: Sequence[tuple[str, Sequence[tuple[str, str]]]],
        **fields: Any,
    ) -> ProfessionalProfile:  # fmt: skip
        fields.setdefault("timezone", "Europe/Berlin")
        actor = acting(professional_id, is_professional=fields.pop("is_professional", True))
        days = [
            c.DayInput(day=day, slots=[c.HoursInput(start=s, end=e) for s, e in slots])
            for day, slots in weekly
        ]
        profile: ProfessionalProfile = await self.handle(
            c.SetAvailability(actor=actor, weekly=days, **fields)
        )
        return profile

    async def add_exception(
        self, professional_id: uuid.UUID, day: date, kind: str = "off",
        slots: Sequence[tuple[str, str]] = (), note: str = "",
    ) -> Any:  # fmt: skip
        return await self.handle(
            c.AddException(
                actor=acting(professional_id),
                day=day,
                kind=ExceptionKind(kind),
                slots=[c.HoursInput(start=s, end=e) for s, e in slots],
                note=note,
            )
        )

    async def own(self, professional_id: uuid.UUID) -> ProfessionalProfile:
        profile: ProfessionalProfile = await self.handle(
            c.GetOwnProfile(actor=acting(professional_id))
        )
        return profile

    async def directory(
        self, viewer: uuid.UUID | None = None, *, admin: bool = False, **query: Any
    ) -> Page[DirectoryEntry]:
        page: Page[DirectoryEntry] = await self.handle(
            c.ListProfessionals(
                viewer=viewing(viewer, admin=admin),
                **query | ({"sort": Sort(query["sort"])} if "sort" in query else {}),
            )
        )
        return page

    async def listed(self, viewer: uuid.UUID | None = None, **query: Any) -> list[uuid.UUID]:
        page = await self.directory(viewer, **query)
        return [entry.id for entry in page.items]

    async def public(
        self, professional_id: uuid.UUID, viewer: uuid.UUID | None = None, *, admin: bool = False
    ) -> DirectoryEntry:
        entry: DirectoryEntry = await self.handle(
            c.GetProfessional(professional_id=professional_id, viewer=viewing(viewer, admin=admin))
        )
        return entry

    def events(self) -> list[DomainEvent]:
        events, self.committed[:] = list(self.committed), []
        return events


@pytest.fixture
def p(uow_factory: Callable[[], Any]) -> Harness:
    clock = FixedClock(START)
    committed: list[DomainEvent] = []

    async def on_events(events: list[DomainEvent]) -> None:
        committed.extend(events)

    bus = MessageBus(
        uow_factory, command_handlers(ProfessionalsDeps(clock=clock)), on_events=on_events
    )
    return Harness(uow_factory, clock, bus, committed)


# --- the profile ----------------------------------------------------------------------------


async def test_the_first_save_creates_the_profile(p: Harness) -> None:
    ana = await p.add_user("ana")
    plumbing = await p.add_service("Pipe repair")
    image = await p.add_file(ana)
    saved = await p.save(
        ana,
        categories=[" Plumbing ", "plumbing", "heating"],
        service_ids=[plumbing, plumbing],
        skills=["Soldering", "soldering ", "  Leak   detection "],
        bio="  Twenty years of pipes.\r\nCall me.  ",
        hourly_rate=c.RateInput(amount=4500, currency="eur"),
        service_area=c.AreaInput(cities=["Berlin", "Potsdam"], postal_codes=["10115", " 14467"]),
        gallery_file_ids=[image],
    )
    assert [type(e) for e in p.events()] == [ProfileUpdated]

    profile = await p.own(ana)
    assert profile == saved
    assert profile.id == ana and profile.created_at == profile.updated_at == START
    assert profile.categories == ["plumbing", "heating"]
    assert profile.service_ids == [plumbing]
    assert profile.skills == ["Soldering", "Leak detection"]
    assert profile.bio == "Twenty years of pipes.\nCall me."
    assert profile.hourly_rate == Money(4500, "EUR")
    assert profile.service_area == ServiceArea(
        cities=("Berlin", "Potsdam"), postal_codes=("10115", "14467")
    )
    assert profile.gallery_file_ids == [image]
    assert profile.timezone == "Europe/Berlin"
    assert profile.schedule.weekly == () and profile.schedule.rules == BookingRules()
    assert (profile.review_count, profile.rating_total, profile.average_rating) == (0, 0, None)


async def test_saving_again_replaces_the_offer_and_keeps_the_schedule(p: Harness) -> None:
    ana = await p.add_user("ana")
    await p.save(ana, skills=["Tiling"], hourly_rate=c.RateInput(amount=3000, currency="EUR"))
    await p.set_hours(ana, [("monday", [("09:00", "17:00")])])
    p.events()
    p.clock.advance(timedelta(hours=1))

    await p.save(ana, bio="New bio")
    assert [type(e) for e in p.events()] == [ProfileUpdated]
    profile = await p.own(ana)
    assert (profile.skills, profile.bio, profile.hourly_rate) == ([], "New bio", None)
    assert profile.schedule.weekly == (DayHours(Weekday.MONDAY, (TimeRange(540, 1020),)),)
    assert profile.created_at == START and profile.updated_at == START + timedelta(hours=1)

    await p.save(ana, bio="New bio")  # the same again
    assert p.events() == []
    assert (await p.own(ana)).version == profile.version


async def test_changing_the_time_zone_in_the_profile_moves_the_hours_too(p: Harness) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    p.events()
    await p.save(ana, timezone="America/New_York")
    assert [type(e) for e in p.events()] == [ProfileUpdated, AvailabilityUpdated]
    assert (await p.own(ana)).schedule.timezone == "America/New_York"


async def test_only_professionals_have_a_profile(p: Harness) -> None:
    cid = await p.add_user("carl", role=Role.CUSTOMER)
    carl = acting(cid, is_professional=False)
    with pytest.raises(Forbidden):
        await p.save(cid, is_professional=False)
    with pytest.raises(Forbidden):
        await p.handle(c.GetOwnProfile(actor=carl))
    with pytest.raises(Forbidden):
        await p.set_hours(cid, [], is_professional=False)
    with pytest.raises(Forbidden):
        await p.handle(
            c.AddException(actor=carl, day=date(2030, 2, 1), kind="off")
        )  # fmt: skip
    with pytest.raises(Forbidden):
        await p.handle(c.RemoveException(actor=carl, exception_id=cid))


async def test_there_is_no_profile_before_the_first_save(p: Harness) -> None:
    ana = await p.add_user("ana")
    with pytest.raises(NotFound):
        await p.own(ana)
    with pytest.raises(NotFound):
        await p.set_hours(ana, [("monday", [("09:00", "17:00")])])
    with pytest.raises(NotFound):
        await p.add_exception(ana, date(2030, 2, 1))
    assert await p.listed() == []


async def test_a_profile_for_a_user_that_does_not_exist_is_not_found(p: Harness) -> None:
    with pytest.raises(NotFound):
        await p.save(uuid.uuid4())


async def test_every_bad_field_is_reported_at_once(p: Harness) -> None:
    ana = await p.add_user("ana")
    with pytest.raises(Invalid) as caught:
        await p.save(
            ana,
            timezone="Mars/Olympus",
            categories=["Home Cleaning!"],
            skills=["", "x" * 61, "two\nlines"],
            bio="b" * 2001,
            hourly_rate=c.RateInput(amount=-1, currency="USD"),
            service_area=c.AreaInput(cities=["Berlin", " "], postal_codes=["10115", "<script>"]),
        )
    assert fields_of(caught.value) == [
        "timezone",
        "categories[0]",
        "skills[0]",
        "skills[1]",
        "skills[2]",
        "bio",
        "hourly_rate.amount",
        "hourly_rate.currency",
        "service_area.cities[1]",
        "service_area.postal_codes[1]",
    ]
    with pytest.raises(NotFound):
        await p.own(ana)  # nothing was written


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"hourly_rate": c.RateInput(amount=1_000_001, currency="EUR")}, "hourly_rate.amount"),
        ({"hourly_rate": c.RateInput(amount=12.5, currency="EUR")}, "hourly_rate.amount"),  # type: ignore[arg-type]
        ({"hourly_rate": c.RateInput(amount=True, currency="EUR")}, "hourly_rate.amount"),
        ({"categories": [f"c{i}" for i in range(11)]}, "categories"),
        ({"skills": [f"s{i}" for i in range(31)]}, "skills"),
        ({"service_ids": [uuid.uuid4() for _ in range(51)]}, "service_ids"),
        ({"gallery_file_ids": [uuid.uuid4() for _ in range(21)]}, "gallery_file_ids"),
        ({"service_area": c.AreaInput(cities=[f"c{i}" for i in range(21)])}, "service_area.cities"),
        ({"bio": "nul \x00"}, "bio"),
        ({"timezone": ""}, "timezone"),
        ({"timezone": "../../etc/passwd"}, "timezone"),
    ],
)  # fmt: skip
async def test_bad_fields_are_refused(p: Harness, fields: dict[str, Any], field: str) -> None:
    ana = await p.add_user("ana")
    with pytest.raises(Invalid) as caught:
        await p.save(ana, **fields)
    assert fields_of(caught.value) == [field]


async def test_services_must_exist_and_be_active(p: Harness) -> None:
    ana = await p.add_user("ana")
    live = await p.add_service("Pipe repair")
    retired = await p.add_service("Gas lamps", active=False)
    with pytest.raises(Invalid) as caught:
        await p.save(ana, service_ids=[live, uuid.uuid4(), retired])
    assert fields_of(caught.value) == ["service_ids[1]", "service_ids[2]"]
    assert (await p.save(ana, service_ids=[live])).service_ids == [live]


async def test_the_gallery_holds_the_professionals_own_images(p: Harness) -> None:
    ana = await p.add_user("ana")
    ben = await p.add_user("ben")
    own_image = await p.add_file(ana, "image/jpeg")
    own_pdf = await p.add_file(ana, "application/pdf")
    bens_image = await p.add_file(ben)
    with pytest.raises(Invalid) as caught:
        await p.save(ana, gallery_file_ids=[own_image, own_pdf, bens_image, uuid.uuid4()])
    assert fields_of(caught.value) == [
        "gallery_file_ids[1]",
        "gallery_file_ids[2]",
        "gallery_file_ids[3]",
    ]
    saved = await p.save(ana, gallery_file_ids=[own_image, own_image])
    assert saved.gallery_file_ids == [own_image]


# --- hours and rules --------------------------------------------------------------------------


async def test_weekly_hours_and_rules(p: Harness) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    p.events()
    rules = c.RulesInput(min_notice_minutes=0, horizon_days=365, buffer_minutes=15, slot_minutes=45)
    saved = await p.set_hours(
        ana,
        [
            ("Friday", [("18:00", "24:00"), ("08:00", "12:00")]),
            ("monday", [("09:00", "12:00"), ("12:00", "17:30")]),
            ("sunday", []),
        ],
        timezone="America/New_York",
        rules=rules,
    )
    assert [type(e) for e in p.events()] == [AvailabilityUpdated]
    schedule = (await p.own(ana)).schedule
    assert schedule == saved.schedule
    assert schedule.timezone == "America/New_York"
    assert schedule.weekly == (
        DayHours(Weekday.MONDAY, (TimeRange(540, 720), TimeRange(720, 1050))),
        DayHours(Weekday.FRIDAY, (TimeRange(480, 720), TimeRange(1080, 1440))),
    )
    assert schedule.rules == BookingRules(
        min_notice_minutes=0, horizon_days=365, buffer_minutes=15, slot_minutes=45
    )

    await p.set_hours(ana, [("monday", [("09:00", "12:00"), ("12:00", "17:30")]),
                            ("friday", [("08:00", "12:00"), ("18:00", "24:00")])],
                      timezone="America/New_York", rules=rules)  # fmt: skip
    assert p.events() == []  # nothing changed

    await p.set_hours(ana, [], timezone="Europe/Berlin")
    schedule = (await p.own(ana)).schedule
    assert (schedule.weekly, schedule.rules, schedule.timezone) == (
        (),
        BookingRules(),
        "Europe/Berlin",
    )


@pytest.mark.parametrize(
    ("weekly", "field"),
    [
        ([("monday", [("25:00", "26:00")])], "weekly[0].slots[0].start"),
        ([("monday", [("09:00", "25:00")])], "weekly[0].slots[0].end"),
        ([("monday", [("9:00", "17:00")])], "weekly[0].slots[0].start"),
        ([("monday", [("24:00", "24:00")])], "weekly[0].slots[0].start"),
        ([("monday", [("09:00", "00:00")])], "weekly[0].slots[0].end"),
        ([("monday", [("09:00", "09:00")])], "weekly[0].slots[0].end"),
        ([("monday", [("17:00", "09:00")])], "weekly[0].slots[0].end"),
        ([("monday", [("09:00", "12:00"), ("11:00", "13:00")])], "weekly[0].slots[1].start"),
        ([("monday", [("09:00", "17:00"), ("10:00", "11:00"), ("12:00", "13:00")])],
         "weekly[0].slots[1].start"),
        ([("monday", [("09:00", "10:00")] * 13)], "weekly[0].slots"),
        ([("someday", [("09:00", "17:00")])], "weekly[0].day"),
        ([("monday", []), ("Monday", [("09:00", "17:00")])], "weekly[1].day"),
    ],
)  # fmt: skip
async def test_bad_hours_are_refused_with_their_path(
    p: Harness, weekly: list[tuple[str, list[tuple[str, str]]]], field: str
) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    with pytest.raises(Invalid) as caught:
        await p.set_hours(ana, weekly)
    assert field in fields_of(caught.value)
    assert (await p.own(ana)).schedule.weekly == ()


async def test_overlaps_name_the_range_they_overlap(p: Harness) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    with pytest.raises(Invalid) as caught:
        await p.set_hours(ana, [("tuesday", [("12:00", "13:00"), ("09:00", "17:00")])])
    [error] = caught.value.errors
    assert error.field == "weekly[0].slots[0].start"
    assert error.message == "overlaps weekly[0].slots[1] (09:00-17:00)"


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        (c.RulesInput(min_notice_minutes=-1), "rules.min_notice_minutes"),
        (c.RulesInput(min_notice_minutes=30 * 24 * 60 + 1), "rules.min_notice_minutes"),
        (c.RulesInput(horizon_days=0), "rules.horizon_days"),
        (c.RulesInput(horizon_days=366), "rules.horizon_days"),
        (c.RulesInput(buffer_minutes=481), "rules.buffer_minutes"),
        (c.RulesInput(slot_minutes=10), "rules.slot_minutes"),
        (c.RulesInput(slot_minutes=721), "rules.slot_minutes"),
        (c.RulesInput(slot_minutes=62), "rules.slot_minutes"),
    ],
)
async def test_bad_rules_are_refused(p: Harness, rules: c.RulesInput, field: str) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    with pytest.raises(Invalid) as caught:
        await p.set_hours(ana, [], rules=rules, timezone="Nowhere/City")
    assert fields_of(caught.value) == ["timezone", field]


# --- date exceptions --------------------------------------------------------------------------


async def test_date_exceptions_are_added_and_removed(p: Harness) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    p.events()
    day_off = await p.add_exception(ana, date(2030, 2, 1), note="  Dentist  ")
    extra = await p.add_exception(ana, date(2030, 2, 2), "extra", [("10:00", "14:00")])
    hours_off = await p.add_exception(ana, date(2030, 2, 2), "off", [("09:00", "10:00")])
    assert [type(e) for e in p.events()] == [AvailabilityUpdated] * 3
    assert (day_off.kind, day_off.ranges, day_off.note) == (ExceptionKind.OFF, (), "Dentist")
    assert extra.ranges == (TimeRange(600, 840),)

    stored = (await p.own(ana)).schedule.exceptions
    assert {e.id for e in stored} == {day_off.id, extra.id, hours_off.id}
    assert [e.day for e in stored] == [date(2030, 2, 1), date(2030, 2, 2), date(2030, 2, 2)]

    await p.handle(c.RemoveException(actor=acting(ana), exception_id=extra.id))
    assert [type(e) for e in p.events()] == [AvailabilityUpdated]
    assert {e.id for e in (await p.own(ana)).schedule.exceptions} == {day_off.id, hours_off.id}
    with pytest.raises(NotFound):
        await p.handle(c.RemoveException(actor=acting(ana), exception_id=extra.id))


async def test_another_professionals_exception_is_not_found(p: Harness) -> None:
    ana = await p.add_user("ana")
    ben = await p.add_user("ben")
    await p.save(ana)
    await p.save(ben)
    exception = await p.add_exception(ana, date(2030, 2, 1))
    with pytest.raises(NotFound):
        await p.handle(c.RemoveException(actor=acting(ben), exception_id=exception.id))
    assert len((await p.own(ana)).schedule.exceptions) == 1


async def test_setting_weekly_hours_keeps_the_exceptions(p: Harness) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    exception = await p.add_exception(ana, date(2030, 2, 1))
    await p.set_hours(ana, [("monday", [("09:00", "17:00")])])
    assert (await p.own(ana)).schedule.exceptions == (exception,)


@pytest.mark.parametrize(
    ("day", "kind", "slots", "note", "field"),
    [
        (date(2030, 2, 1), "extra", (), "", "slots"),
        (date(2030, 2, 1), "extra", (("10:00", "09:00"),), "", "slots[0].end"),
        (date(2030, 2, 1), "off", (("10:00", "12:00"), ("11:00", "13:00")), "", "slots[1].start"),
        (date(2030, 2, 1), "off", (), "n" * 201, "note"),
        (date(2030, 2, 1), "off", (), "two\nlines", "note"),
        (date(2030, 1, 14), "off", (), "", "date"),
        (date(2032, 1, 16), "off", (), "", "date"),
    ],
)  # fmt: skip
async def test_bad_exceptions_are_refused(
    p: Harness, day: date, kind: str, slots: tuple[tuple[str, str], ...], note: str, field: str
) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    with pytest.raises(Invalid) as caught:
        await p.add_exception(ana, day, kind, slots, note)
    assert fields_of(caught.value) == [field]
    assert (await p.own(ana)).schedule.exceptions == ()


async def test_today_is_the_professionals_today(p: Harness) -> None:
    # 12:00 UTC on 15 January is already 16 January in Auckland (UTC+13).
    ana = await p.add_user("ana")
    await p.save(ana, timezone="Pacific/Auckland")
    with pytest.raises(Invalid):
        await p.add_exception(ana, date(2030, 1, 15))
    assert (await p.add_exception(ana, date(2030, 1, 16))).day == date(2030, 1, 16)


async def test_overlapping_exceptions_of_a_kind_conflict(p: Harness) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    await p.add_exception(ana, date(2030, 2, 1), "off", [("09:00", "12:00")])
    with pytest.raises(Conflict):
        await p.add_exception(ana, date(2030, 2, 1), "off")  # the whole day covers those hours
    with pytest.raises(Conflict):
        await p.add_exception(ana, date(2030, 2, 1), "off", [("11:00", "13:00")])
    await p.add_exception(ana, date(2030, 2, 1), "off", [("12:00", "13:00")])  # touching is fine
    await p.add_exception(ana, date(2030, 2, 1), "extra", [("09:00", "12:00")])  # another kind
    assert len((await p.own(ana)).schedule.exceptions) == 3


async def test_past_exceptions_are_dropped_when_one_is_added(p: Harness) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    old = await p.add_exception(ana, date(2030, 1, 20))
    kept = await p.add_exception(ana, date(2030, 1, 25))
    p.clock.advance(timedelta(days=7))  # 22 January
    new = await p.add_exception(ana, date(2030, 1, 30))
    assert old not in (await p.own(ana)).schedule.exceptions
    assert (await p.own(ana)).schedule.exceptions == (kept, new)


async def test_concurrent_changes_to_one_profile_all_land(p: Harness) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    days = [date(2030, 2, day) for day in (1, 2, 3)]
    await asyncio.gather(*(p.add_exception(ana, day) for day in days))
    assert sorted(e.day for e in (await p.own(ana)).schedule.exceptions) == days


async def test_concurrent_first_saves_make_one_profile(p: Harness) -> None:
    ana = await p.add_user("ana")
    saved = await asyncio.gather(p.save(ana, bio="one"), p.save(ana, bio="two"))
    assert {profile.bio for profile in saved} == {"one", "two"}
    assert (await p.own(ana)).bio in {"one", "two"}
    assert [entry.id for entry in (await p.directory()).items] == [ana]


# --- review counters --------------------------------------------------------------------------


async def test_saving_never_overwrites_the_review_counters(p: Harness) -> None:
    if p.backend == "sqlite":
        pytest.skip("SQLite runs one writer at a time: no review can land mid-transaction")
    ana = await p.add_user("ana")
    await p.save(ana)
    async with p.uow_factory() as uow:
        profile = await uow.professionals.get(ana)
        name = await uow.professional_directory.name_of(ana)
        profile.update_offer(profile.offer(), timezone="Europe/Paris", name=name, now=p.clock.now())
        await p.review(ana, 5, 4)  # lands after the read, before the commit
        await uow.commit()
    profile = await p.own(ana)
    assert (profile.timezone, profile.review_count, profile.rating_total) == ("Europe/Paris", 2, 9)


async def test_saving_after_reviews_keeps_them(p: Harness) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    await p.review(ana, 5, 4)
    await p.save(ana, bio="Still here")
    profile = await p.own(ana)
    assert (profile.review_count, profile.rating_total, profile.average_rating) == (2, 9, 4.5)
    assert (await p.public(ana)).average_rating == 4.5


# --- the directory ----------------------------------------------------------------------------


async def test_the_public_entry(p: Harness) -> None:
    ana = await p.add_user("ana", full_name="Ana García")
    image = await p.add_file(ana)
    service = await p.add_service("Pipe repair")
    await p.save(
        ana, bio="Pipes", categories=["plumbing"], service_ids=[service], skills=["Soldering"],
        hourly_rate=c.RateInput(amount=4500, currency="EUR"),
        service_area=c.AreaInput(cities=["Berlin"]), gallery_file_ids=[image],
    )  # fmt: skip
    entry = await p.public(ana)
    assert (entry.id, entry.name.full_name, entry.name.username) == (ana, "Ana García", "ana")
    assert (entry.bio, entry.categories, entry.service_ids, entry.skills) == (
        "Pipes", ["plumbing"], [service], ["Soldering"]
    )  # fmt: skip
    assert entry.hourly_rate == Money(4500, "EUR")
    assert entry.service_area == ServiceArea(cities=["Berlin"])
    assert (entry.timezone, entry.gallery_file_ids) == ("Europe/Berlin", [image])
    assert (entry.review_count, entry.average_rating, entry.created_at) == (0, None, START)
    assert (entry.email, entry.phone) == (None, None)  # not shown by default


async def test_email_and_phone_show_when_the_professional_allows(p: Harness) -> None:
    ana = await p.add_user("ana", show_email=True)
    ben = await p.add_user("ben", show_phone=True)
    admin = await p.add_user("root", role=Role.ADMIN)
    for pro in (ana, ben):
        await p.save(pro)
    anas, bens = await p.public(ana), await p.public(ben)
    assert (anas.email, anas.phone) == ("ana@example.com", None)
    assert (bens.email, bens.phone is not None) == (None, True)
    # They themselves and administrators see both.
    assert (await p.public(ben, ben)).email == "ben@example.com"
    assert (await p.public(ana, admin, admin=True)).phone is not None
    listed = {entry.id: entry for entry in (await p.directory()).items}
    assert (listed[ana].email, listed[ana].phone, listed[ben].email) == (
        "ana@example.com", None, None
    )  # fmt: skip


async def test_who_sees_whom(p: Harness) -> None:
    public = await p.add_user("pub")
    registered = await p.add_user("reg", profile_visibility=Visibility.REGISTERED)
    private = await p.add_user("priv", profile_visibility=Visibility.PRIVATE)
    suspended = await p.add_user("susp", suspended=True)
    demoted = await p.add_user("demo")
    await p.add_user("bare")  # a professional without a profile
    customer = await p.add_user("cust", role=Role.CUSTOMER)
    admin = await p.add_user("root", role=Role.ADMIN)
    for pro in (public, registered, private, suspended, demoted):
        await p.save(pro)
    async with p.uow_factory() as uow:
        (await uow.users.get(demoted)).change_role(Role.CUSTOMER, p.clock.now())
        await uow.commit()

    assert set(await p.listed()) == {public}
    assert set(await p.listed(customer)) == {public, registered}
    assert set(await p.listed(private)) == {public, registered, private}
    assert set(await p.listed(suspended)) == {public, registered, suspended}
    assert {e.id for e in (await p.directory(admin, admin=True)).items} == {
        public, registered, private, suspended,
    }  # fmt: skip
    assert (await p.directory(customer)).total == 2

    for hidden, viewer in [(registered, None), (private, customer), (suspended, customer),
                           (demoted, customer), (demoted, demoted), (customer, customer),
                           (uuid.uuid4(), None)]:  # fmt: skip
        with pytest.raises(NotFound):
            await p.public(hidden, viewer)
    assert (await p.public(registered, customer)).id == registered
    assert (await p.public(private, private)).id == private
    assert (await p.public(suspended, admin, admin=True)).id == suspended


async def test_anonymous_pages_are_kept_briefly_and_own_changes_show_at_once(
    p: Harness,
) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    assert await p.listed() == [ana]
    async with p.uow_factory() as uow:  # as an administrator suspending her would
        (await uow.users.get(ana)).suspend("spam", p.clock.now())
        await uow.commit()
    assert await p.listed() == [ana]  # the page read a moment ago
    customer = await p.add_user("cust", role=Role.CUSTOMER)
    assert await p.listed(customer) == []  # signed-in viewers always read the database
    p.clock.advance(DIRECTORY_CACHE_TTL)
    assert await p.listed() == []

    bob = await p.add_user("bob")
    await p.save(bob)  # a change made through this process clears the pages at once
    assert await p.listed() == [bob]


async def test_filters(p: Harness) -> None:
    pipes = await p.add_service("Pipe repair")
    lamps = await p.add_service("Lamp fitting")
    ana = await p.add_user("ana", full_name="Ana García")
    ben = await p.add_user("ben", full_name="Ben Müller")
    cem = await p.add_user("cem", full_name="Cem Yilmaz")
    await p.save(
        ana, categories=["plumbing"], service_ids=[pipes], skills=["Soldering"],
        bio="Leaks fixed fast", hourly_rate=c.RateInput(amount=4500, currency="EUR"),
        service_area=c.AreaInput(cities=["München"], postal_codes=["80331"]),
    )  # fmt: skip
    await p.save(
        ben, categories=["electrical", "plumbing"], service_ids=[lamps, pipes],
        skills=["Wiring"], bio="Électricien diplômé",
        hourly_rate=c.RateInput(amount=6000, currency="EUR"),
        service_area=c.AreaInput(cities=["Berlin"], postal_codes=["10115"]),
    )  # fmt: skip
    await p.save(cem, categories=["painting"], bio="50% off_ today")
    await p.review(ana, 4, 4)
    await p.review(ben, 5)

    async def matches(**query: Any) -> set[uuid.UUID]:
        return set(await p.listed(**query))

    assert await matches() == {ana, ben, cem}
    assert await matches(category="plumbing") == {ana, ben}
    assert await matches(category=" Electrical ") == {ben}
    assert await matches(category="plumb") == set()
    assert await matches(service_id=lamps) == {ben}
    assert await matches(service_id=pipes) == {ana, ben}
    assert await matches(city="munchen") == {ana}
    assert await matches(city="  MÜNCHEN ") == {ana}
    assert await matches(city="10115") == {ben}
    assert await matches(city="Münch") == set()
    assert await matches(min_rating=4) == {ana, ben}
    assert await matches(min_rating=4.5) == {ben}
    assert await matches(min_rating=0) == {ana, ben}  # a minimum needs reviews
    assert await matches(max_rate=4500) == {ana}
    assert await matches(max_rate=0) == set()
    assert await matches(text="garcia") == {ana}
    assert await matches(text="MULLER") == {ben}
    assert await matches(text="electricien") == {ben}
    assert await matches(text="solder") == {ana}
    assert await matches(text="cem") == {cem}  # the username
    assert await matches(text="50%") == {cem}
    assert await matches(text="f_ t") == {cem}
    assert await matches(text="%") == {cem}
    assert await matches(text="_") == {cem}
    assert await matches(text="fast leaks") == set()
    assert await matches(text="   ") == {ana, ben, cem}
    assert await matches(category="plumbing", max_rate=5000, text="leak") == {ana}


async def test_sorts_and_pages(p: Harness) -> None:
    pros = []
    for index, (name, rate, ratings) in enumerate(
        [
            ("ana", 5000, (4, 4)),
            ("ben", 3000, (5,)),
            ("cem", None, ()),
            ("dan", 4000, (5, 5, 4, 4)),
            ("eva", 3000, (4,)),
        ]
    ):
        pro = await p.add_user(name)
        rate_input = None if rate is None else c.RateInput(amount=rate, currency="EUR")
        await p.save(pro, hourly_rate=rate_input)
        if ratings:
            await p.review(pro, *ratings)
        pros.append(pro)
        p.clock.advance(timedelta(minutes=index + 1))
    ana, ben, cem, dan, eva = pros

    assert await p.listed(sort="rating") == [ben, dan, ana, eva, cem]
    assert await p.listed() == [ben, dan, ana, eva, cem]  # rating is the default
    assert await p.listed(sort="rate") == [eva, ben, dan, ana, cem]  # ties: newest first
    assert await p.listed(sort="newest") == [eva, dan, cem, ben, ana]

    page = await p.directory(sort="newest", page=2, page_size=2)
    assert [e.id for e in page.items] == [cem, ben]
    assert (page.total, page.page, page.page_size, page.pages) == (5, 2, 2, 3)
    beyond = await p.directory(sort="newest", page=9, page_size=2)
    assert (list(beyond.items), beyond.total) == ([], 5)
    empty = await p.directory(text="nobody")
    assert (list(empty.items), empty.total) == ([], 0)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"min_rating": 5.5}, "min_rating"),
        ({"min_rating": -1}, "min_rating"),
        ({"max_rate": -1}, "max_rate"),
        ({"text": "x" * 101}, "q"),
        ({"page": 0}, "page"),
        ({"page_size": 101}, "page_size"),
    ],
)
async def test_bad_queries_are_refused(p: Harness, query: dict[str, Any], field: str) -> None:
    with pytest.raises(Invalid) as caught:
        await p.directory(**query)
    assert fields_of(caught.value) == [field]


async def test_a_new_name_is_searched_after_the_reaction(p: Harness) -> None:
    ana = await p.add_user("ana", full_name="Ana García")
    await p.save(ana, bio="Pipes")
    await p.rename_user(ana, "Ana Novák")
    async with p.uow_factory() as uow:
        await refresh_search_name(ana, uow)
        await refresh_search_name(uuid.uuid4(), uow)  # no such user: nothing happens
        await uow.commit()
    assert await p.listed(text="novak") == [ana]
    assert await p.listed(text="garcia") == []
    assert (await p.public(ana)).name.full_name == "Ana Novák"


async def test_deleting_the_user_deletes_the_profile(p: Harness) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    async with p.uow_factory() as uow:
        await uow.users.delete(await uow.users.get(ana))
        await uow.commit()
    async with p.uow_factory() as uow:
        assert await uow.professionals.get(ana) is None
    assert await p.listed() == []
