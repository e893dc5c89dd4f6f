"""Bookings' use cases, on every backend (memory, SQLite, PostgreSQL).

The ``b`` fixture is the bookings harness (``bookings_harness``) on the test's backend.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from alora_core.booking.bookings import commands as c
from alora_core.booking.bookings import events
from alora_core.booking.bookings.errors import (
    BookingNotFound,
    NotAllowed,
    SlotUnavailable,
    TooEarlyToComplete,
    TransitionRefused,
)
from alora_core.booking.bookings.model import Booking, BookingStatus, Party
from alora_core.booking.professionals.availability import (
    BookingRules,
    DayHours,
    TimeRange,
    Weekday,
)
from alora_core.identity.model import Role, Visibility
from alora_core.shared.actor import Actor
from alora_core.shared.errors import Conflict, Forbidden, Invalid, NotFound
from alora_core.shared.money import Money
from contexts.booking.bookings_harness import HOUR, NOW, TUESDAY_9, Harness, open_bookings
from support.backends import Backend
from support.builders import change_user, delete_user


@pytest.fixture
async def b(backend: Backend) -> Harness:
    return await open_bookings(backend)


@pytest.fixture
async def people(b: Harness) -> tuple[Actor, Actor]:
    """A customer and the professional ``pro``."""
    return await b.add_user("ana"), await b.add_professional()


# --- requesting ----------------------------------------------------------------------------------


async def test_a_request_holds_the_time_as_pending(b: Harness, people: tuple[Actor, Actor]) -> None:
    ana, pro = people
    booking = await b.book(ana, pro, minutes=90, notes="  Leaking tap  ")
    assert booking.status is BookingStatus.PENDING
    assert (booking.customer_id, booking.professional_id) == (ana.user_id, pro.user_id)
    assert (booking.start, booking.end) == (TUESDAY_9, TUESDAY_9 + timedelta(minutes=90))
    assert booking.blocked_until == booking.end
    assert booking.price == Money(9000, "EUR")  # 60 EUR an hour, 90 minutes
    assert booking.notes == "Leaking tap" and booking.address == "1 Main Street, Berlin"
    [change] = booking.history
    assert (change.party, change.from_status, change.to_status) == (
        Party.CUSTOMER, None, BookingStatus.PENDING
    )  # fmt: skip
    assert (change.actor_id, change.at) == (ana.user_id, NOW)
    [requested] = b.events_of(events.BookingRequested)
    assert (requested.booking_id, requested.actor_id, requested.start) == (
        booking.id, ana.user_id, TUESDAY_9
    )  # fmt: skip
    stored = await b.get(ana, booking)
    assert stored == booking


async def test_the_buffer_is_kept_after_the_booking(b: Harness) -> None:
    ana = await b.add_user("ana")
    pro = await b.add_professional(buffer_minutes=30, rate=None)
    booking = await b.book(ana, pro)
    assert booking.blocked_until == TUESDAY_9 + HOUR + timedelta(minutes=30)
    assert booking.price is None
    ben = await b.add_user("ben")
    with pytest.raises(SlotUnavailable) as refused:
        await b.book(ben, pro, TUESDAY_9 + HOUR)  # inside the buffer
    assert refused.value.reason == "taken"
    later = await b.book(ben, pro, TUESDAY_9 + 2 * HOUR)
    assert later.status is BookingStatus.PENDING


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        (NOW + HOUR, "too_soon"),
        (NOW - timedelta(days=1), "too_soon"),
        (datetime(2030, 4, 1, 8, 0, tzinfo=UTC), "beyond_horizon"),
        (datetime(2100, 1, 1, 8, 0, tzinfo=UTC), "beyond_horizon"),
        (datetime(2030, 1, 15, 18, 0, tzinfo=UTC), "outside_hours"),  # 19:00 in Berlin
        (datetime(2030, 1, 19, 9, 0, tzinfo=UTC), "outside_hours"),  # a Saturday
        (TUESDAY_9 + timedelta(minutes=20), "outside_hours"),  # not a slot start
    ],
)
async def test_times_that_cannot_be_booked_say_why(
    b: Harness, people: tuple[Actor, Actor], start: datetime, reason: str
) -> None:
    ana, pro = people
    with pytest.raises(SlotUnavailable) as refused:
        await b.book(ana, pro, start)
    assert refused.value.reason == reason
    assert await b.listed(ana) == []


async def test_a_booking_that_would_run_past_the_hours_is_outside_them(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    with pytest.raises(SlotUnavailable) as refused:
        await b.book(ana, pro, TUESDAY_9 + 7 * HOUR, minutes=120)  # 16:00-18:00 in Berlin
    assert refused.value.reason == "outside_hours"


async def test_a_held_time_is_taken_for_any_overlap(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    await b.book(ana, pro, TUESDAY_9 + HOUR, minutes=120)
    ben = await b.add_user("ben")
    for start, minutes in [(TUESDAY_9 + HOUR, 60), (TUESDAY_9, 120), (TUESDAY_9 + 2 * HOUR, 60)]:
        with pytest.raises(SlotUnavailable) as refused:
            await b.book(ben, pro, start, minutes)
        assert refused.value.reason == "taken"
    before = await b.book(ben, pro, TUESDAY_9, 60)  # ends where the other starts
    after = await b.book(ben, pro, TUESDAY_9 + 3 * HOUR, 60)
    assert before.status is after.status is BookingStatus.PENDING


async def test_another_professional_is_not_affected(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    other = await b.add_professional("other")
    await b.book(ana, pro)
    booking = await b.book(ana, other)
    assert booking.professional_id == other.user_id


async def test_unknown_professionals_and_services_are_not_found(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    with pytest.raises(NotFound, match="professional"):
        await b.book(ana, pro, professional_id=uuid.uuid4())
    with pytest.raises(NotFound, match="service"):
        await b.book(ana, pro, service_id=uuid.uuid4())
    customer_as_pro = await b.add_user("carl")
    with pytest.raises(NotFound, match="professional"):
        await b.book(ana, customer_as_pro)


async def test_the_service_must_be_active_and_offered_by_the_professional(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    elsewhere = await b.add_service("Painting")
    with pytest.raises(Invalid) as refused:
        await b.book(ana, pro, service_id=elsewhere)
    assert [e.field for e in refused.value.errors] == ["service_id"]
    dormant = await b.add_service("Gardening", active=False)
    gardener = await b.add_professional("gardener", services=(dormant,))
    with pytest.raises(Invalid):
        await b.book(ana, gardener, service_id=dormant)


async def test_only_verified_users_book_and_never_themselves(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    with pytest.raises(Forbidden):
        await b.book(ana, pro, verified=False)
    with pytest.raises(Invalid) as refused:
        await b.book(pro, pro)
    assert [e.field for e in refused.value.errors] == ["professional_id"]
    other = await b.add_professional("other")
    booking = await b.book(other, pro)  # a professional may book another one
    assert booking.customer_id == other.user_id
    admin = await b.add_user("root", Role.ADMIN)
    assert (await b.book(admin, pro, TUESDAY_9 + HOUR)).customer_id == admin.user_id


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"minutes": 0}, "duration_minutes"),
        ({"minutes": -60}, "duration_minutes"),
        ({"minutes": 7}, "duration_minutes"),
        ({"minutes": 52}, "duration_minutes"),
        ({"minutes": 10**9}, "duration_minutes"),
        ({"address": "   "}, "address"),
        ({"address": "x" * 501}, "address"),
        ({"address": "a\x00b"}, "address"),
        ({"notes": "n" * 2001}, "notes"),
        ({"start": datetime(2030, 1, 15, 9, 0)}, "start"),  # naive
    ],
)
async def test_bad_fields_are_invalid(
    b: Harness, people: tuple[Actor, Actor], fields: dict[str, Any], field: str
) -> None:
    ana, pro = people
    with pytest.raises(Invalid) as refused:
        await b.book(ana, pro, **fields)
    assert field in [e.field for e in refused.value.errors]
    assert await b.listed(ana) == []


async def test_a_start_with_any_offset_is_the_same_instant(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    from zoneinfo import ZoneInfo

    booking = await b.book(ana, pro, TUESDAY_9.astimezone(ZoneInfo("Asia/Tokyo")))
    assert booking.start == TUESDAY_9 and booking.start.utcoffset() == timedelta(0)


async def test_a_suspended_or_hidden_professional_cannot_be_booked(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    hidden = await b.add_professional("hidden", profile_visibility=Visibility.PRIVATE)
    with pytest.raises(NotFound, match="professional"):
        await b.book(ana, hidden)
    assert pro.user_id is not None
    await change_user(b.alora, pro.user_id, lambda user: user.suspend("complaints", NOW))
    with pytest.raises(NotFound, match="professional"):
        await b.book(ana, pro)


# --- open slots ----------------------------------------------------------------------------------


async def slots(b: Harness, pro: Actor, viewer: Actor | None = None, **query: Any) -> Any:
    assert pro.user_id is not None
    return await b.handle(
        c.ListOpenSlots(
            professional_id=pro.user_id,
            viewer=viewer or Actor.anonymous(),
            **query,
        )
    )


def starts(found: Any) -> list[datetime]:
    return [slot.start for slot in found.slots]


async def test_slots_are_the_working_hours_after_the_notice(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    _, pro = people
    found = await slots(b, pro, start_to=datetime(2030, 1, 16, tzinfo=UTC))
    assert found.timezone == "Europe/Berlin"
    # Monday: the 2-hour notice ends at 09:30 UTC, so 11:00-16:00 Berlin; Tuesday: all of it.
    monday = [datetime(2030, 1, 14, h, tzinfo=UTC) for h in range(10, 16)]
    tuesday = [datetime(2030, 1, 15, h, tzinfo=UTC) for h in range(8, 16)]
    assert starts(found) == monday + tuesday
    first = found.slots[0]
    assert first.end == first.start + HOUR
    assert first.local_start.isoformat() == "2030-01-14T11:00:00+01:00"
    assert first.local_end.isoformat() == "2030-01-14T12:00:00+01:00"


async def test_the_default_window_is_a_week_from_now(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    _, pro = people
    found = starts(await slots(b, pro))
    assert found[0] == datetime(2030, 1, 14, 10, tzinfo=UTC)
    assert found[-1] == datetime(2030, 1, 18, 15, tzinfo=UTC)  # Friday; the weekend is off
    assert len(found) == 6 + 4 * 8


async def test_bookings_and_their_buffers_take_slots_until_they_end(b: Harness) -> None:
    ana = await b.add_user("ana")
    pro = await b.add_professional(buffer_minutes=30)
    window = {"start_from": TUESDAY_9, "start_to": TUESDAY_9 + 8 * HOUR}
    booking = await b.book(ana, pro, TUESDAY_9 + 2 * HOUR)
    # 11:00 Berlin is booked and held to 12:30; a 10:00 booking's own buffer would reach it.
    assert starts(await slots(b, pro, **window)) == [TUESDAY_9] + [
        TUESDAY_9 + n * HOUR for n in range(4, 8)
    ]
    await b.cancel(ana, booking)
    assert len(starts(await slots(b, pro, **window))) == 8


async def test_every_offered_slot_can_be_booked(b: Harness, people: tuple[Actor, Actor]) -> None:
    ana, pro = people
    window = {"start_from": TUESDAY_9, "start_to": TUESDAY_9 + 8 * HOUR}
    for slot in (await slots(b, pro, **window)).slots:
        booking = await b.book(ana, pro, slot.start)
        assert (booking.start, booking.end) == (slot.start, slot.end)
        await b.confirm(pro, booking)  # within ana's cap of pending requests
    assert (await slots(b, pro, **window)).slots == []


async def test_a_longer_duration_offers_the_starts_it_fits(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    _, pro = people
    window = {"start_from": TUESDAY_9, "start_to": TUESDAY_9 + 8 * HOUR}
    found = await slots(b, pro, duration_minutes=90, **window)
    assert starts(found) == [TUESDAY_9 + n * HOUR for n in range(7)]
    assert found.slots[-1].end == TUESDAY_9 + timedelta(hours=7, minutes=30)
    with pytest.raises(Invalid) as refused:
        await slots(b, pro, duration_minutes=52, **window)
    assert [e.field for e in refused.value.errors] == ["duration_minutes"]


async def test_with_no_notice_a_slot_starting_now_can_be_booked(b: Harness) -> None:
    ana = await b.add_user("ana")
    pro = await b.add_professional()
    assert pro.user_id is not None
    async with b.uow_factory() as uow:
        profile = await uow.professionals.get(pro.user_id)
        profile.set_hours(
            timezone="UTC",
            weekly=[DayHours(day, (TimeRange(0, 24 * 60),)) for day in Weekday],
            rules=BookingRules(min_notice_minutes=0, slot_minutes=30),
            now=NOW,
        )
        await uow.commit()
    [first, *_] = (await slots(b, pro, start_from=NOW, start_to=NOW + HOUR)).slots
    assert first.start == NOW  # 07:30, a slot start, offered with no notice
    assert (await b.book(ana, pro, first.start)).start == NOW


async def test_any_slot_length_can_be_booked(b: Harness) -> None:
    ana = await b.add_user("ana")
    pro = await b.add_professional(slot_minutes=50)
    found = await slots(b, pro, start_from=TUESDAY_9, start_to=TUESDAY_9 + 8 * HOUR)
    assert [s.end - s.start for s in found.slots] == [timedelta(minutes=50)] * 9
    booking = await b.book(ana, pro, found.slots[1].start, minutes=50)
    assert booking.start == TUESDAY_9 + timedelta(minutes=50)


async def test_the_slot_window_is_checked(b: Harness, people: tuple[Actor, Actor]) -> None:
    _, pro = people
    for query, field in (
        ({"start_from": TUESDAY_9, "start_to": TUESDAY_9}, "to"),
        ({"start_from": TUESDAY_9, "start_to": TUESDAY_9 + timedelta(days=32)}, "to"),
        ({"start_from": datetime(2030, 1, 15, 9)}, "from"),
        ({"start_from": TUESDAY_9, "start_to": datetime(2030, 1, 16)}, "to"),
    ):
        with pytest.raises(Invalid) as refused:
            await slots(b, pro, **query)
        assert [e.field for e in refused.value.errors] == [field]
    month = await slots(b, pro, start_from=NOW, start_to=NOW + timedelta(days=31))
    assert len(month.slots) > 100


async def test_slots_of_a_service_the_professional_offers(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    _, pro = people
    assert (await slots(b, pro, service_id=b.service_id)).slots
    with pytest.raises(Invalid) as refused:
        await slots(b, pro, service_id=await b.add_service("Painting"))
    assert [e.field for e in refused.value.errors] == ["service_id"]
    with pytest.raises(NotFound, match="service"):
        await slots(b, pro, service_id=uuid.uuid4())


async def test_slots_of_professionals_the_viewer_may_not_see_are_not_found(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, _ = people
    members = await b.add_professional("members", profile_visibility=Visibility.REGISTERED)
    with pytest.raises(NotFound):
        await slots(b, members)
    assert (await slots(b, members, ana)).slots
    hidden = await b.add_professional("hidden", profile_visibility=Visibility.PRIVATE)
    with pytest.raises(NotFound):
        await slots(b, hidden, ana)
    assert (await slots(b, hidden, hidden)).slots
    for unknown in (Actor(user_id=uuid.uuid4(), role=Role.PROFESSIONAL), ana):
        with pytest.raises(NotFound):
            await slots(b, unknown)


# --- the status machine ------------------------------------------------------------------------


async def test_the_professional_confirms_and_completes(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    booking = await b.book(ana, pro)
    confirmed = await b.confirm(pro, booking)
    assert confirmed.status is BookingStatus.CONFIRMED
    with pytest.raises(TooEarlyToComplete):
        await b.complete(pro, booking)
    b.clock.advance(TUESDAY_9 - NOW)  # it starts now
    completed = await b.complete(pro, booking)
    assert completed.status is BookingStatus.COMPLETED
    assert [(h.from_status, h.to_status, h.party) for h in completed.history[1:]] == [
        (BookingStatus.PENDING, BookingStatus.CONFIRMED, Party.PROFESSIONAL),
        (BookingStatus.CONFIRMED, BookingStatus.COMPLETED, Party.PROFESSIONAL),
    ]
    assert await b.get(ana, booking) == completed
    assert [e.booking_id for e in b.events_of(events.BookingConfirmed)] == [booking.id]
    assert [e.booking_id for e in b.events_of(events.BookingCompleted)] == [booking.id]
    assert await b.audit_actions() == []  # nobody acted as administrator


async def test_the_professional_rejects_with_a_reason(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    booking = await b.book(ana, pro)
    with pytest.raises(Invalid):
        await b.reject(pro, booking, reason="   ")
    rejected = await b.reject(pro, booking, reason=" Fully booked that day ")
    assert rejected.status is BookingStatus.REJECTED
    assert rejected.history[-1].reason == "Fully booked that day"
    [event] = b.events_of(events.BookingRejected)
    assert event.reason == "Fully booked that day"
    with pytest.raises(TransitionRefused):
        await b.confirm(pro, booking)


async def test_cancelling_early_is_on_time_and_late_is_recorded(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    early = await b.book(ana, pro, TUESDAY_9 + timedelta(days=2))
    cancelled = await b.cancel(ana, early, "found someone else")
    assert cancelled.status is BookingStatus.CANCELLED and not cancelled.cancelled_late
    late = await b.book(ana, pro, TUESDAY_9)
    await b.confirm(pro, late)
    b.clock.advance(timedelta(hours=10))  # 14.5 h before the start
    cancelled = await b.cancel(ana, late, "ill")
    assert cancelled.cancelled_late and cancelled.history[-1].late
    assert [e.late for e in b.events_of(events.BookingCancelled)] == [False, True]
    with pytest.raises(Invalid):
        await b.cancel(ana, early, "")


async def test_parties_may_only_take_their_own_actions(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    booking = await b.book(ana, pro)
    for refused in (b.confirm(ana, booking), b.reject(ana, booking), b.cancel(pro, booking)):
        with pytest.raises(NotAllowed):
            await refused
    await b.confirm(pro, booking)
    b.clock.advance(TUESDAY_9 - NOW + HOUR)
    with pytest.raises(NotAllowed):
        await b.complete(ana, booking)
    assert (await b.get(ana, booking)).status is BookingStatus.CONFIRMED


@pytest.mark.parametrize("action", ["confirm", "reject", "cancel", "complete", "reschedule"])
async def test_outsiders_cannot_see_or_touch_a_booking(
    b: Harness, people: tuple[Actor, Actor], action: str
) -> None:
    ana, pro = people
    booking = await b.book(ana, pro)
    other_customer = await b.add_user("eve")
    other_pro = await b.add_professional("mallory")
    for outsider in (other_customer, other_pro):
        with pytest.raises(BookingNotFound):
            await b.get(outsider, booking)
        attempt = (
            b.reschedule(outsider, booking, TUESDAY_9 + HOUR)
            if action == "reschedule"
            else getattr(b, action)(outsider, booking)
        )
        with pytest.raises(BookingNotFound):
            await attempt
    assert await b.listed(other_customer) == await b.listed(other_pro) == []
    with pytest.raises(BookingNotFound):
        await b.handle(c.GetBooking(actor=ana, booking_id=uuid.uuid4()))
    assert await b.get(ana, booking) == booking


async def test_an_administrator_may_do_anything_and_it_is_audited(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    admin = await b.add_user("root", Role.ADMIN)
    first = await b.book(ana, pro)
    assert await b.get(admin, first) == first
    await b.confirm(admin, first)
    b.clock.advance(TUESDAY_9 - NOW + HOUR)
    done = await b.complete(admin, first)
    assert [h.party for h in done.history] == [Party.CUSTOMER, Party.ADMIN, Party.ADMIN]
    second = await b.book(ana, pro, TUESDAY_9 + timedelta(days=1))
    await b.reschedule(admin, second, TUESDAY_9 + timedelta(days=1, hours=2))
    await b.cancel(admin, second, "duplicate")
    third = await b.book(ana, pro, TUESDAY_9 + timedelta(days=2))
    await b.reject(admin, third, "spam")
    assert sorted(await b.audit_actions()) == sorted(
        [
            "booking.confirm",
            "booking.complete",
            "booking.reschedule",
            "booking.cancel",
            "booking.reject",
        ]
    )


async def test_a_cancelled_or_rejected_booking_frees_its_time(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    first = await b.book(ana, pro)
    await b.cancel(ana, first)
    ben = await b.add_user("ben")
    second = await b.book(ben, pro)
    await b.reject(pro, second)
    third = await b.book(ana, pro)
    assert third.status is BookingStatus.PENDING
    with pytest.raises(TransitionRefused):
        await b.cancel(ana, first)


# --- reschedule ------------------------------------------------------------------------------


async def test_a_customer_reschedule_goes_back_to_pending_and_frees_the_old_time(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    booking = await b.book(ana, pro, minutes=120)
    await b.confirm(pro, booking)
    new_start = TUESDAY_9 + timedelta(days=1, hours=3)
    moved = await b.reschedule(ana, booking, new_start)
    assert moved.status is BookingStatus.PENDING
    assert (moved.start, moved.end) == (new_start, new_start + 2 * HOUR)
    change = moved.history[-1]
    assert (change.party, change.previous_start) == (Party.CUSTOMER, TUESDAY_9)
    [event] = b.events_of(events.BookingRescheduled)
    assert (event.previous_start, event.start, event.status) == (TUESDAY_9, new_start, "pending")
    ben = await b.add_user("ben")
    assert (await b.book(ben, pro, TUESDAY_9)).status is BookingStatus.PENDING
    assert (await b.get(ana, booking)).start == new_start


async def test_a_professional_reschedule_keeps_the_status(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    booking = await b.book(ana, pro)
    await b.confirm(pro, booking)
    moved = await b.reschedule(pro, booking, TUESDAY_9 + 2 * HOUR)
    assert moved.status is BookingStatus.CONFIRMED
    # Overlapping its own old time is fine: only other bookings count.
    again = await b.reschedule(pro, booking, TUESDAY_9 + 2 * HOUR + HOUR)
    assert again.start == TUESDAY_9 + 3 * HOUR


async def test_a_reschedule_is_checked_like_a_new_booking(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    booking = await b.book(ana, pro)
    other = await b.book(await b.add_user("ben"), pro, TUESDAY_9 + 4 * HOUR)
    for start, reason in [
        (other.start, "taken"),
        (NOW + HOUR, "too_soon"),
        (datetime(2030, 1, 15, 20, 0, tzinfo=UTC), "outside_hours"),
        (datetime(2030, 6, 3, 8, 0, tzinfo=UTC), "beyond_horizon"),
    ]:
        with pytest.raises(SlotUnavailable) as refused:
            await b.reschedule(ana, booking, start)
        assert refused.value.reason == reason
    with pytest.raises(Invalid):
        await b.reschedule(ana, booking, TUESDAY_9)  # where it is already
    with pytest.raises(Invalid):
        await b.reschedule(ana, booking, datetime(2030, 1, 15, 12, 0))  # naive
    assert (await b.get(ana, booking)).start == TUESDAY_9
    await b.cancel(ana, booking)
    with pytest.raises(TransitionRefused):
        await b.reschedule(ana, booking, TUESDAY_9 + HOUR)


# --- lists -----------------------------------------------------------------------------------


async def test_lists_show_own_bookings_by_role_status_and_time(b: Harness) -> None:
    ana, ben = await b.add_user("ana"), await b.add_user("ben")
    pro, other = await b.add_professional(), await b.add_professional("other")
    a1 = await b.book(ana, pro, TUESDAY_9 + HOUR)
    a2 = await b.book(ana, other, TUESDAY_9)
    b1 = await b.book(ben, pro, TUESDAY_9 + timedelta(days=1))
    p1 = await b.book(pro, other, TUESDAY_9 + timedelta(days=2))  # pro as a customer
    await b.confirm(pro, a1)

    assert await b.listed(ana) == [a2.id, a1.id]  # by start
    assert await b.listed(pro) == [a1.id, b1.id, p1.id]
    assert await b.listed(pro, role=c.ListedRole.CUSTOMER) == [p1.id]
    assert await b.listed(pro, role=c.ListedRole.PROFESSIONAL) == [a1.id, b1.id]
    assert await b.listed(pro, status=BookingStatus.CONFIRMED) == [a1.id]
    assert await b.listed(pro, start_from=TUESDAY_9 + 2 * HOUR) == [b1.id, p1.id]
    window = {"start_from": TUESDAY_9 + HOUR, "start_to": TUESDAY_9 + timedelta(days=1)}
    assert await b.listed(pro, **window) == [a1.id]
    page = await b.handle(c.ListBookings(actor=pro, page=2, page_size=2))
    assert ([x.id for x in page.items], page.total, page.pages) == ([p1.id], 3, 2)
    with pytest.raises(Forbidden):
        await b.listed(ana, role=c.ListedRole.ALL)
    admin = await b.add_user("root", Role.ADMIN)
    assert await b.listed(admin) == []
    assert len(await b.listed(admin, role=c.ListedRole.ALL)) == 4
    with pytest.raises(Invalid):
        await b.listed(ana, start_from=TUESDAY_9, start_to=TUESDAY_9)
    with pytest.raises(Invalid):
        await b.listed(ana, start_from=datetime(2030, 1, 1))
    with pytest.raises(Invalid):
        await b.listed(ana, page=0)


# --- jobs ------------------------------------------------------------------------------------


async def test_confirmed_bookings_complete_after_the_grace_period(b: Harness) -> None:
    ana, pro = await b.add_user("ana"), await b.add_professional()
    confirmed = await b.book(ana, pro)
    await b.confirm(pro, confirmed)
    pending = await b.book(ana, pro, TUESDAY_9 + HOUR)
    grace = timedelta(hours=2)
    b.clock.advance(TUESDAY_9 + HOUR + grace - NOW)  # exactly at the end of the grace period
    assert await b.handle(c.CompleteFinishedBookings(grace=grace)) == 0
    b.clock.advance(timedelta(minutes=1))
    assert await b.handle(c.CompleteFinishedBookings(grace=grace)) == 1
    assert await b.handle(c.CompleteFinishedBookings(grace=grace)) == 0  # idempotent
    done = await b.get(ana, confirmed)
    assert done.status is BookingStatus.COMPLETED
    assert (done.history[-1].party, done.history[-1].actor_id) == (Party.SYSTEM, None)
    assert (await b.get(ana, pending)).status is BookingStatus.PENDING
    [event] = b.events_of(events.BookingCompleted)
    assert event.actor_id is None


async def test_completion_works_through_many_batches(b: Harness) -> None:
    ana, pro = await b.add_user("ana"), await b.add_professional()
    start = TUESDAY_9
    made = 0
    while made < 5:
        if start.astimezone(UTC).weekday() < 5 and 8 <= start.hour < 16:
            booking = await b.book(ana, pro, start)
            await b.confirm(pro, booking)
            made += 1
        start += HOUR
    b.clock.advance(timedelta(days=30))
    from alora_core.booking.bookings import jobs

    original = jobs.COMPLETION_BATCH
    jobs.COMPLETION_BATCH = 2
    try:
        assert await b.handle(c.CompleteFinishedBookings()) == 5
    finally:
        jobs.COMPLETION_BATCH = original
    statuses = {x.status for x in (await b.handle(c.ListBookings(actor=ana))).items}
    assert statuses == {BookingStatus.COMPLETED}


async def test_reminders_go_once_from_nine_in_each_recipients_zone(b: Harness) -> None:
    # The customer lives in New York, the professional in Berlin.
    ana = await b.add_user("ana", timezone="America/New_York")
    pro = await b.add_professional(timezone="Europe/Berlin")
    muted = await b.add_user("muted", booking_reminders=False)
    # Wednesday 15:00 in Berlin = 14:00 UTC = 09:00 in New York.
    wednesday = datetime(2030, 1, 16, 14, 0, tzinfo=UTC)
    booking = await b.book(ana, pro, wednesday)
    await b.confirm(pro, booking)
    quiet = await b.book(muted, pro, wednesday - 2 * HOUR)
    await b.confirm(pro, quiet)
    pending = await b.book(ana, pro, wednesday - 4 * HOUR)  # not confirmed: no reminder

    def reminded() -> list[tuple[uuid.UUID, uuid.UUID, date]]:
        return [
            (e.booking_id, e.recipient_id, e.day) for e in b.events_of(events.BookingReminderDue)
        ]

    b.clock.advance(datetime(2030, 1, 16, 7, 59, tzinfo=UTC) - NOW)  # 08:59 in Berlin
    assert await b.handle(c.SendBookingReminders()) == 0
    b.clock.advance(timedelta(minutes=1))  # 09:00 in Berlin, 03:00 in New York
    assert await b.handle(c.SendBookingReminders()) == 2
    day = date(2030, 1, 16)
    assert sorted(reminded()) == sorted(
        [(booking.id, pro.user_id, day), (quiet.id, pro.user_id, day)]
    )
    assert await b.handle(c.SendBookingReminders()) == 0
    b.clock.advance(timedelta(hours=6))  # 09:00 in New York
    assert await b.handle(c.SendBookingReminders()) == 1
    assert reminded()[-1] == (booking.id, ana.user_id, day)
    [event] = [e for e in b.events_of(events.BookingReminderDue) if e.recipient_id == ana.user_id]
    assert event.timezone == "America/New_York" and event.start == wednesday
    assert await b.handle(c.SendBookingReminders()) == 0
    assert pending.id not in {e.booking_id for e in b.events_of(events.BookingReminderDue)}
    # Started bookings are not reminded of any more.
    b.clock.advance(timedelta(hours=2))
    assert await b.handle(c.SendBookingReminders()) == 0


async def test_a_rescheduled_booking_is_reminded_again_on_its_new_day(b: Harness) -> None:
    ana, pro = await b.add_user("ana"), await b.add_professional()  # ana's zone is UTC
    tuesday_noon = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
    booking = await b.book(ana, pro, tuesday_noon)
    await b.confirm(pro, booking)
    b.clock.advance(datetime(2030, 1, 15, 9, 0, tzinfo=UTC) - NOW)
    assert await b.handle(c.SendBookingReminders()) == 2
    await b.reschedule(pro, booking, tuesday_noon + timedelta(days=1))
    assert await b.handle(c.SendBookingReminders()) == 0
    b.clock.advance(timedelta(days=1))
    assert await b.handle(c.SendBookingReminders()) == 2
    days = [e.day for e in b.events_of(events.BookingReminderDue)]
    assert days == [date(2030, 1, 15)] * 2 + [date(2030, 1, 16)] * 2


# --- concurrency ---------------------------------------------------------------------------------


async def test_simultaneous_requests_for_one_time_give_one_booking(b: Harness) -> None:
    pro = await b.add_professional()
    customers = [await b.add_user(f"c{i}") for i in range(12)]
    results = await asyncio.gather(
        *(b.book(customer, pro) for customer in customers), return_exceptions=True
    )
    made = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if not isinstance(r, Booking)]
    assert len(made) == 1
    assert all(isinstance(r, SlotUnavailable) and r.reason == "taken" for r in refused), refused
    admin = await b.add_user("root", Role.ADMIN)
    assert len(await b.listed(admin, role=c.ListedRole.ALL)) == 1


async def test_two_reschedules_into_one_time_give_one_move(b: Harness) -> None:
    pro = await b.add_professional()
    ana, ben = await b.add_user("ana"), await b.add_user("ben")
    first = await b.book(ana, pro, TUESDAY_9)
    second = await b.book(ben, pro, TUESDAY_9 + HOUR)
    target = TUESDAY_9 + 3 * HOUR
    results = await asyncio.gather(
        b.reschedule(ana, first, target),
        b.reschedule(ben, second, target),
        b.book(await b.add_user("cat"), pro, target),
        return_exceptions=True,
    )
    won = [r for r in results if not isinstance(r, BaseException)]
    assert len(won) == 1, results
    assert all(
        isinstance(r, SlotUnavailable) and r.reason == "taken"
        for r in results
        if isinstance(r, BaseException)
    ), results
    admin = await b.add_user("root", Role.ADMIN)
    page = await b.handle(c.ListBookings(actor=admin, role=c.ListedRole.ALL, page_size=10))
    starts = [x.start for x in page.items]
    assert all(x.held for x in page.items)
    assert starts.count(target) == 1
    # The losers kept their times.
    assert set(starts) - {target} <= {TUESDAY_9, TUESDAY_9 + HOUR}
    assert len(set(starts)) == len(starts)


async def test_racing_changes_to_one_booking_let_one_win(b: Harness) -> None:
    ana, pro = await b.add_user("ana"), await b.add_professional()
    booking = await b.book(ana, pro)
    results = await asyncio.gather(
        b.confirm(pro, booking), b.reject(pro, booking), return_exceptions=True
    )
    won = [r for r in results if isinstance(r, Booking)]
    assert len(won) == 1, results
    [lost] = [r for r in results if not isinstance(r, Booking)]
    assert isinstance(lost, TransitionRefused | Conflict)
    final = await b.get(ana, booking)
    assert final.status is won[0].status
    assert len(final.history) == 2


async def test_deleting_a_user_deletes_their_bookings(b: Harness) -> None:
    ana, pro = await b.add_user("ana"), await b.add_professional()
    booking = await b.book(ana, pro)
    assert ana.user_id is not None
    await delete_user(b.alora, ana.user_id)
    with pytest.raises(BookingNotFound):
        await b.get(pro, booking)
    assert await b.listed(pro) == []
