"""Professional profiles on every backend (memory, SQLite, PostgreSQL): the profile, hours and
rules, date exceptions and the review counters. The directory is in
``test_professionals_directory.py``; the ``p`` harness is ``professionals_harness``."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from alora_core.booking.professionals import commands as c
from alora_core.booking.professionals.availability import (
    BookingRules,
    DayHours,
    ExceptionKind,
    TimeRange,
    Weekday,
)
from alora_core.booking.professionals.events import AvailabilityUpdated, ProfileUpdated
from alora_core.booking.professionals.model import ServiceArea
from alora_core.identity.model import Role
from alora_core.shared.errors import Conflict, Forbidden, Invalid, NotFound
from alora_core.shared.money import Money
from contexts.booking.professionals_harness import (
    START,
    Profiles,
    acting,
    fields_of,
    open_profiles,
)
from support.backends import Backend


@pytest.fixture
async def p(backend: Backend) -> Profiles:
    return await open_profiles(backend)


# --- the profile ----------------------------------------------------------------------------


async def test_the_first_save_creates_the_profile(p: Profiles) -> None:
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


async def test_saving_again_replaces_the_offer_and_keeps_the_schedule(p: Profiles) -> None:
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


async def test_changing_the_time_zone_in_the_profile_moves_the_hours_too(p: Profiles) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    p.events()
    await p.save(ana, timezone="America/New_York")
    assert [type(e) for e in p.events()] == [ProfileUpdated, AvailabilityUpdated]
    assert (await p.own(ana)).schedule.timezone == "America/New_York"


async def test_only_professionals_have_a_profile(p: Profiles) -> None:
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


async def test_there_is_no_profile_before_the_first_save(p: Profiles) -> None:
    ana = await p.add_user("ana")
    with pytest.raises(NotFound):
        await p.own(ana)
    with pytest.raises(NotFound):
        await p.set_hours(ana, [("monday", [("09:00", "17:00")])])
    with pytest.raises(NotFound):
        await p.add_exception(ana, date(2030, 2, 1))
    assert await p.listed() == []


async def test_a_profile_for_a_user_that_does_not_exist_is_not_found(p: Profiles) -> None:
    with pytest.raises(NotFound):
        await p.save(uuid.uuid4())


async def test_every_bad_field_is_reported_at_once(p: Profiles) -> None:
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
async def test_bad_fields_are_refused(p: Profiles, fields: dict[str, Any], field: str) -> None:
    ana = await p.add_user("ana")
    with pytest.raises(Invalid) as caught:
        await p.save(ana, **fields)
    assert fields_of(caught.value) == [field]


async def test_services_must_exist_and_be_active(p: Profiles) -> None:
    ana = await p.add_user("ana")
    live = await p.add_service("Pipe repair")
    retired = await p.add_service("Gas lamps", active=False)
    with pytest.raises(Invalid) as caught:
        await p.save(ana, service_ids=[live, uuid.uuid4(), retired])
    assert fields_of(caught.value) == ["service_ids[1]", "service_ids[2]"]
    assert (await p.save(ana, service_ids=[live])).service_ids == [live]


async def test_the_gallery_holds_the_professionals_own_images(p: Profiles) -> None:
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


async def test_weekly_hours_and_rules(p: Profiles) -> None:
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
    p: Profiles, weekly: list[tuple[str, list[tuple[str, str]]]], field: str
) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    with pytest.raises(Invalid) as caught:
        await p.set_hours(ana, weekly)
    assert field in fields_of(caught.value)
    assert (await p.own(ana)).schedule.weekly == ()


async def test_overlaps_name_the_range_they_overlap(p: Profiles) -> None:
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
async def test_bad_rules_are_refused(p: Profiles, rules: c.RulesInput, field: str) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    with pytest.raises(Invalid) as caught:
        await p.set_hours(ana, [], rules=rules, timezone="Nowhere/City")
    assert fields_of(caught.value) == ["timezone", field]


# --- date exceptions --------------------------------------------------------------------------


async def test_date_exceptions_are_added_and_removed(p: Profiles) -> None:
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


async def test_another_professionals_exception_is_not_found(p: Profiles) -> None:
    ana = await p.add_user("ana")
    ben = await p.add_user("ben")
    await p.save(ana)
    await p.save(ben)
    exception = await p.add_exception(ana, date(2030, 2, 1))
    with pytest.raises(NotFound):
        await p.handle(c.RemoveException(actor=acting(ben), exception_id=exception.id))
    assert len((await p.own(ana)).schedule.exceptions) == 1


async def test_setting_weekly_hours_keeps_the_exceptions(p: Profiles) -> None:
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
    p: Profiles, day: date, kind: str, slots: tuple[tuple[str, str], ...], note: str, field: str
) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    with pytest.raises(Invalid) as caught:
        await p.add_exception(ana, day, kind, slots, note)
    assert fields_of(caught.value) == [field]
    assert (await p.own(ana)).schedule.exceptions == ()


async def test_today_is_the_professionals_today(p: Profiles) -> None:
    # 12:00 UTC on 15 January is already 16 January in Auckland (UTC+13).
    ana = await p.add_user("ana")
    await p.save(ana, timezone="Pacific/Auckland")
    with pytest.raises(Invalid):
        await p.add_exception(ana, date(2030, 1, 15))
    assert (await p.add_exception(ana, date(2030, 1, 16))).day == date(2030, 1, 16)


async def test_overlapping_exceptions_of_a_kind_conflict(p: Profiles) -> None:
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


async def test_past_exceptions_are_dropped_when_one_is_added(p: Profiles) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    old = await p.add_exception(ana, date(2030, 1, 20))
    kept = await p.add_exception(ana, date(2030, 1, 25))
    p.clock.advance(timedelta(days=7))  # 22 January
    new = await p.add_exception(ana, date(2030, 1, 30))
    assert old not in (await p.own(ana)).schedule.exceptions
    assert (await p.own(ana)).schedule.exceptions == (kept, new)


async def test_concurrent_changes_to_one_profile_all_land(p: Profiles) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    days = [date(2030, 2, day) for day in (1, 2, 3)]
    await asyncio.gather(*(p.add_exception(ana, day) for day in days))
    assert sorted(e.day for e in (await p.own(ana)).schedule.exceptions) == days


async def test_concurrent_first_saves_make_one_profile(p: Profiles) -> None:
    ana = await p.add_user("ana")
    saved = await asyncio.gather(p.save(ana, bio="one"), p.save(ana, bio="two"))
    assert {profile.bio for profile in saved} == {"one", "two"}
    assert (await p.own(ana)).bio in {"one", "two"}
    assert [entry.id for entry in (await p.directory()).items] == [ana]


# --- review counters --------------------------------------------------------------------------


async def test_saving_never_overwrites_the_review_counters(p: Profiles) -> None:
    if p.backend.name == "sqlite":
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


async def test_saving_after_reviews_keeps_them(p: Profiles) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    await p.review(ana, 5, 4)
    await p.save(ana, bio="Still here")
    profile = await p.own(ana)
    assert (profile.review_count, profile.rating_total, profile.average_rating) == (2, 9, 4.5)
    assert (await p.public(ana)).average_rating == 4.5
