"""Pending requests are bounded, on every backend (memory, SQLite, PostgreSQL): a customer
holds at most so many at once, overall and with one professional, and a request nobody
answered expires, freeing its time. Simultaneous requests of one customer never pass a cap
together: on PostgreSQL they run in parallel transactions.

The bookings harness (``bookings_harness``): ``pro`` works Monday to Friday, 09:00-17:00 in
Berlin; the clock starts on Monday 2030-01-14 at 07:30 UTC. The caps here are 3 with one
professional and 5 overall, the expiry 48 hours.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from alora_core.booking.bookings import commands as c
from alora_core.booking.bookings import events
from alora_core.booking.bookings.errors import PendingLimitReached, TransitionRefused
from alora_core.booking.bookings.model import Action, Booking, BookingStatus, Party
from alora_core.shared.actor import Actor
from contexts.booking.bookings_harness import HOUR, NOW, TUESDAY_9, Harness, open_bookings
from support.backends import Backend

WITH_ONE, OVERALL = 3, 5
UNANSWERED = timedelta(hours=48)
NEXT_WEEK = TUESDAY_9 + timedelta(days=7)
"""Far enough ahead for a request to wait the whole expiry time."""
TOO_MANY = PendingLimitReached.OVERALL
TOO_MANY_WITH_ONE = PendingLimitReached.WITH_PROFESSIONAL


@pytest.fixture
async def b(backend: Backend) -> Harness:
    return await open_bookings(
        backend,
        ALORA_BOOKING_MAX_PENDING_PER_PROFESSIONAL=str(WITH_ONE),
        ALORA_BOOKING_MAX_PENDING_PER_CUSTOMER=str(OVERALL),
    )


def hours_from(start: datetime, count: int) -> list[datetime]:
    """``count`` one-hour starts from ``start`` inside the working day (08:00-16:00 UTC)."""
    return [start + i * HOUR for i in range(count)]


async def refused(b: Harness, customer: Actor, pro: Actor, start: datetime) -> str:
    """The reason the request is refused for."""
    with pytest.raises(PendingLimitReached) as caught:
        await b.book(customer, pro, start)
    return caught.value.reason


async def expire(b: Harness) -> int:
    return await b.handle(c.ExpireUnansweredBookings(unanswered_for=UNANSWERED))


async def held_by(b: Harness, customer: Actor) -> list[BookingStatus]:
    page = await b.handle(c.ListBookings(actor=customer, role=c.ListedRole.CUSTOMER))
    return [booking.status for booking in page.items]


# --- the caps ---------------------------------------------------------------------------------


async def test_a_customer_holds_few_requests_with_one_professional(b: Harness) -> None:
    ana, ben, pro, other = (
        await b.add_user("ana"),
        await b.add_user("ben"),
        await b.add_professional("pro"),
        await b.add_professional("olga"),
    )
    first, *_ = [await b.book(ana, pro, start) for start in hours_from(TUESDAY_9, WITH_ONE)]
    fourth = TUESDAY_9 + WITH_ONE * HOUR
    assert await refused(b, ana, pro, fourth) == TOO_MANY_WITH_ONE
    assert await held_by(b, ana) == [BookingStatus.PENDING] * WITH_ONE
    # The time stays free for others, and ana may still ask another professional.
    await b.book(ben, pro, fourth)
    await b.book(ana, other, fourth)
    # An answer frees a place: a confirmed booking is no longer waiting.
    await b.confirm(pro, first)
    await b.book(ana, pro, fourth + HOUR)


async def test_a_customer_holds_few_requests_overall(b: Harness) -> None:
    ana = await b.add_user("ana")
    pros = [await b.add_professional(f"pro{i}") for i in range(3)]
    made = [await b.book(ana, pros[0], start) for start in hours_from(TUESDAY_9, WITH_ONE)]
    made += [await b.book(ana, pros[1], s) for s in hours_from(TUESDAY_9, OVERALL - WITH_ONE)]
    assert len(made) == OVERALL
    assert await refused(b, ana, pros[2], TUESDAY_9) == TOO_MANY
    # Cancelling or a rejection frees a place.
    await b.cancel(ana, made[0])
    await b.book(ana, pros[2], TUESDAY_9)
    assert await refused(b, ana, pros[2], TUESDAY_9 + HOUR) == TOO_MANY
    await b.reject(pros[0], made[1])
    await b.book(ana, pros[2], TUESDAY_9 + HOUR)


async def test_moving_a_confirmed_booking_back_to_pending_is_within_the_caps(
    b: Harness,
) -> None:
    ana, pro = await b.add_user("ana"), await b.add_professional()
    confirmed = await b.book(ana, pro, TUESDAY_9 + 5 * HOUR)
    await b.confirm(pro, confirmed)
    waiting = [await b.book(ana, pro, start) for start in hours_from(TUESDAY_9, WITH_ONE)]
    later = TUESDAY_9 + timedelta(days=1)
    # ana's move would make it a fourth request: refused, and the booking stays as it was.
    with pytest.raises(PendingLimitReached) as caught:
        await b.reschedule(ana, confirmed, later)
    assert caught.value.reason == TOO_MANY_WITH_ONE
    kept = await b.get(ana, confirmed)
    assert (kept.status, kept.start) == (BookingStatus.CONFIRMED, TUESDAY_9 + 5 * HOUR)
    # Moving a pending one keeps the count; the professional's move keeps it confirmed.
    assert (await b.reschedule(ana, waiting[0], later)).status is BookingStatus.PENDING
    assert (await b.reschedule(pro, confirmed, later + HOUR)).status is BookingStatus.CONFIRMED


# --- expiry -----------------------------------------------------------------------------------


async def test_an_unanswered_request_expires_and_frees_its_time(b: Harness) -> None:
    ana, ben, pro = await b.add_user("ana"), await b.add_user("ben"), await b.add_professional()
    waiting = await b.book(ana, pro, NEXT_WEEK)
    answered = await b.book(ben, pro, NEXT_WEEK + HOUR)
    await b.confirm(pro, answered)
    b.clock.advance(UNANSWERED - timedelta(minutes=1))
    assert await expire(b) == 0
    b.clock.advance(timedelta(minutes=1))  # exactly the expiry time after the request
    assert await expire(b) == 1
    assert await expire(b) == 0  # a second run finds nothing left

    lapsed = await b.get(ana, waiting)
    assert lapsed.status is BookingStatus.EXPIRED and not lapsed.held
    change = lapsed.history[-1]
    assert (change.party, change.action, change.actor_id, change.reason) == (
        Party.SYSTEM, Action.EXPIRE, None, "unanswered"
    )  # fmt: skip
    assert (change.from_status, change.at) == (BookingStatus.PENDING, NOW + UNANSWERED)
    [event] = b.events_of(events.BookingExpired)
    assert (event.booking_id, event.customer_id, event.actor_id, event.reason) == (
        waiting.id, ana.user_id, None, "unanswered"
    )  # fmt: skip
    assert (await b.get(ben, answered)).status is BookingStatus.CONFIRMED
    # The time is free again, and an expired booking is past changing.
    assert (await b.book(ben, pro, NEXT_WEEK)).status is BookingStatus.PENDING
    with pytest.raises(TransitionRefused):
        await b.confirm(pro, waiting)


async def test_a_request_expires_when_its_start_comes_first(b: Harness) -> None:
    ana, pro = await b.add_user("ana"), await b.add_professional()
    waiting = await b.book(ana, pro, TUESDAY_9)  # a day ahead: sooner than the expiry time
    b.clock.advance(TUESDAY_9 - NOW - timedelta(minutes=1))
    assert await expire(b) == 0
    b.clock.advance(timedelta(minutes=1))
    assert await expire(b) == 1
    assert (await b.get(ana, waiting)).history[-1].reason == "start_passed"
    [event] = b.events_of(events.BookingExpired)
    assert event.reason == "start_passed"


async def test_a_move_restarts_the_wait(b: Harness) -> None:
    ana, pro = await b.add_user("ana"), await b.add_professional()
    waiting = await b.book(ana, pro, NEXT_WEEK)
    b.clock.advance(timedelta(hours=40))
    await b.reschedule(ana, waiting, NEXT_WEEK + HOUR)
    b.clock.advance(timedelta(hours=40))
    assert await expire(b) == 0
    b.clock.advance(UNANSWERED - timedelta(hours=40))
    assert await expire(b) == 1


async def test_expiry_frees_the_customers_place(b: Harness) -> None:
    ana, pro = await b.add_user("ana"), await b.add_professional()
    for start in hours_from(NEXT_WEEK, WITH_ONE):
        await b.book(ana, pro, start)
    assert await refused(b, ana, pro, NEXT_WEEK + WITH_ONE * HOUR) == TOO_MANY_WITH_ONE
    b.clock.advance(UNANSWERED)
    assert await expire(b) == WITH_ONE
    await b.book(ana, pro, NEXT_WEEK + WITH_ONE * HOUR)


async def test_expiry_works_through_many_batches(b: Harness) -> None:
    pro = await b.add_professional()
    customers = [await b.add_user(f"c{i}") for i in range(5)]
    for customer, start in zip(customers, hours_from(NEXT_WEEK, 5), strict=True):
        await b.book(customer, pro, start)
    b.clock.advance(UNANSWERED)
    from alora_core.booking.bookings import jobs

    original = jobs.EXPIRY_BATCH
    jobs.EXPIRY_BATCH = 2
    try:
        assert await expire(b) == 5
    finally:
        jobs.EXPIRY_BATCH = original
    assert len(b.events_of(events.BookingExpired)) == 5


async def test_an_answer_racing_the_expiry_leaves_one_outcome(b: Harness) -> None:
    ana, pro = await b.add_user("ana"), await b.add_professional()
    waiting = await b.book(ana, pro, NEXT_WEEK)
    b.clock.advance(UNANSWERED)
    results = await asyncio.gather(expire(b), b.confirm(pro, waiting), return_exceptions=True)
    final = await b.get(ana, waiting)
    assert final.status in {BookingStatus.EXPIRED, BookingStatus.CONFIRMED}
    assert len(final.history) == 2
    if final.status is BookingStatus.CONFIRMED:
        assert results[0] == 0 and isinstance(results[1], Booking)
    else:
        assert results[0] == 1 and isinstance(results[1], Exception)


# --- concurrency ------------------------------------------------------------------------------


@pytest.mark.parametrize(("professionals", "cap"), [(1, WITH_ONE), (4, OVERALL)])
async def test_simultaneous_requests_of_one_customer_stop_at_the_cap(
    b: Harness, professionals: int, cap: int
) -> None:
    ana = await b.add_user("ana")
    pros = [await b.add_professional(f"pro{i}") for i in range(professionals)]
    starts = hours_from(TUESDAY_9, 8)
    requests = [(pros[i % professionals], start) for i, start in enumerate(starts)]
    results = await asyncio.gather(
        *(b.book(ana, pro, start) for pro, start in requests), return_exceptions=True
    )
    made = [r for r in results if isinstance(r, Booking)]
    refusals = [r for r in results if not isinstance(r, Booking)]
    assert len(made) == cap, results
    assert all(isinstance(r, PendingLimitReached) for r in refusals), refusals
    assert await held_by(b, ana) == [BookingStatus.PENDING] * cap
