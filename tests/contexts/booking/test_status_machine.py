"""The booking status machine accepts exactly the listed transitions, each by the listed
parties (administrators: all of them), and every accepted change is one history entry and one
event; a refused one changes nothing."""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alora_core.booking.bookings import events
from alora_core.booking.bookings.errors import (
    BookingNotFound,
    NotAllowed,
    TooEarlyToComplete,
    TransitionRefused,
)
from alora_core.booking.bookings.model import (
    LATE_CANCELLATION,
    Action,
    Booking,
    BookingStatus,
    ExpiryReason,
    Party,
    StatusChange,
)
from alora_core.shared.actor import Actor, Role

pytestmark = pytest.mark.memory  # pure: no backend

START = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
CUSTOMER = uuid.UUID(int=1)
PROFESSIONAL = uuid.UUID(int=2)
ADMIN = uuid.UUID(int=3)
STRANGER = uuid.UUID(int=4)

P, C, R, X, D, E = (
    BookingStatus.PENDING,
    BookingStatus.CONFIRMED,
    BookingStatus.REJECTED,
    BookingStatus.CANCELLED,
    BookingStatus.COMPLETED,
    BookingStatus.EXPIRED,
)
# Written out from the rules, not read from the model's table.
ALLOWED = {
    (P, C): {"professional", "admin"},
    (P, R): {"professional", "admin"},
    (P, X): {"customer", "admin"},
    (C, D): {"professional", "admin", "system"},
    (C, X): {"customer", "admin"},
    (P, E): {"system", "admin"},
}
ACTORS = {
    "customer": Actor(user_id=CUSTOMER, role=Role.CUSTOMER),
    "professional": Actor(user_id=PROFESSIONAL, role=Role.PROFESSIONAL),
    "admin": Actor(user_id=ADMIN, role=Role.ADMIN),
    "system": Actor.system(),
    "stranger": Actor(user_id=STRANGER, role=Role.CUSTOMER),
}
TARGET = {
    Action.CONFIRM: C,
    Action.REJECT: R,
    Action.CANCEL: X,
    Action.COMPLETE: D,
    Action.EXPIRE: E,
}
EVENT = {
    C: events.BookingConfirmed,
    R: events.BookingRejected,
    X: events.BookingCancelled,
    D: events.BookingCompleted,
    E: events.BookingExpired,
}


def booking_in(status: BookingStatus) -> Booking:
    booking = Booking.request(
        customer_id=CUSTOMER,
        professional_id=PROFESSIONAL,
        service_id=uuid.UUID(int=9),
        start=START,
        duration=timedelta(hours=2),
        buffer=timedelta(minutes=30),
        address="1 Main Street",
        notes="",
        price=None,
        actor=ACTORS["customer"],
        now=START - timedelta(days=3),
    )
    booking.status = status
    booking.pull_events()
    return booking


def act(booking: Booking, action: Action, actor: Actor, now: datetime) -> None:
    if action is Action.CONFIRM:
        booking.confirm(actor, now)
    elif action is Action.REJECT:
        booking.reject(actor, now, "busy")
    elif action is Action.CANCEL:
        booking.cancel(actor, now, "plans changed")
    elif action is Action.EXPIRE:
        booking.expire(actor, now, ExpiryReason.UNANSWERED)
    else:
        booking.complete(actor, now)


@settings(max_examples=300)
@given(
    status=st.sampled_from(list(BookingStatus)),
    action=st.sampled_from(list(TARGET)),
    who=st.sampled_from(list(ACTORS)),
    offset_hours=st.integers(min_value=-72, max_value=72),
)
def test_exactly_the_listed_transitions_by_the_listed_parties(
    status: BookingStatus, action: Action, who: str, offset_hours: int
) -> None:
    booking = booking_in(status)
    before = (booking.status, list(booking.history), booking.version)
    now = START + timedelta(hours=offset_hours)
    target = TARGET[action]
    allowed = who in ALLOWED.get((status, target), set())
    try:
        act(booking, action, ACTORS[who], now)
    except BookingNotFound:
        assert who == "stranger"
        accepted = False
    except NotAllowed:
        # A party that may never take this action, whatever the status.
        assert not any(who in parties for (_, to), parties in ALLOWED.items() if to is target)
        accepted = False
    except TransitionRefused:
        assert (status, target) not in ALLOWED
        accepted = False
    except TooEarlyToComplete:
        assert target is D and now < START
        accepted = False
    else:
        accepted = True
    if allowed and not (target is D and now < START):
        assert accepted
        assert booking.status is target
        change = booking.history[-1]
        assert (change.from_status, change.to_status) == (status, target)
        assert change.actor_id == ACTORS[who].user_id
        assert change.party.value == who
        assert change.at == now
        assert len(booking.history) == len(before[1]) + 1
        emitted = booking.pull_events()
        assert [type(e) for e in emitted] == [EVENT[target]]
        assert emitted[0].actor_id == ACTORS[who].user_id
        late = target is X and who == "customer" and now > START - LATE_CANCELLATION
        assert change.late is late and booking.cancelled_late is late
    else:
        assert not accepted
        assert (booking.status, booking.history, booking.version) == before
        assert booking.pull_events() == []


@settings(max_examples=200)
@given(
    path=st.lists(
        st.tuples(st.sampled_from(list(TARGET)), st.sampled_from(list(ACTORS))), max_size=6
    )
)
def test_any_sequence_of_changes_stays_on_the_graph(path: list[tuple[Action, str]]) -> None:
    booking = booking_in(P)
    now = START + timedelta(hours=1)
    for action, who in path:
        with contextlib.suppress(
            BookingNotFound, NotAllowed, TransitionRefused, TooEarlyToComplete
        ):
            act(booking, action, ACTORS[who], now)
    steps = [(c.from_status, c.to_status) for c in booking.history[1:]]
    assert all(step in ALLOWED for step in steps)
    assert [c.to_status for c in booking.history][-1] is booking.status
    assert booking.held is (booking.status in {P, C})
    # Final states are final: at most two moves (pending -> confirmed -> done).
    assert len(steps) <= 2


@pytest.mark.parametrize("status", [R, X, D, E])
@pytest.mark.parametrize("who", ["customer", "professional", "admin"])
def test_only_held_bookings_can_be_rescheduled(status: BookingStatus, who: str) -> None:
    booking = booking_in(status)
    with pytest.raises(TransitionRefused):
        booking.reschedule(ACTORS[who], START, START + timedelta(days=1), timedelta(0))
    assert booking.start == START


@pytest.mark.parametrize(
    ("who", "status", "after"),
    [
        ("customer", P, P),
        ("customer", C, P),
        ("admin", C, P),
        ("professional", P, P),
        ("professional", C, C),
    ],
)
def test_a_reschedule_returns_to_pending_unless_the_professional_asked(
    who: str, status: BookingStatus, after: BookingStatus
) -> None:
    booking = booking_in(status)
    new_start = START + timedelta(days=1, hours=2)
    booking.reschedule(ACTORS[who], START, new_start, timedelta(minutes=15))
    assert booking.status is after
    assert (booking.start, booking.end) == (new_start, new_start + timedelta(hours=2))
    assert booking.blocked_until == booking.end + timedelta(minutes=15)
    change = booking.history[-1]
    assert change == StatusChange(
        at=START,
        actor_id=ACTORS[who].user_id,
        party=Party(who),
        action=Action.RESCHEDULE,
        from_status=status,
        to_status=after,
        previous_start=START,
    )
    [event] = booking.pull_events()
    assert isinstance(event, events.BookingRescheduled)
    assert (event.previous_start, event.start, event.status) == (START, new_start, after.value)


@pytest.mark.parametrize("who", ["system", "stranger"])
def test_the_system_and_strangers_cannot_reschedule(who: str) -> None:
    booking = booking_in(P)
    error = BookingNotFound if who == "stranger" else NotAllowed
    with pytest.raises(error):
        booking.reschedule(ACTORS[who], START, START + timedelta(days=1), timedelta(0))


def test_someone_not_signed_in_is_no_party_not_the_system() -> None:
    with pytest.raises(BookingNotFound):
        booking_in(C).complete(Actor.anonymous(), START + timedelta(hours=3))


def test_an_administrator_who_is_also_the_customer_acts_as_administrator_where_needed() -> None:
    booking = booking_in(P)
    booking.confirm(Actor(user_id=CUSTOMER, role=Role.ADMIN), START)
    assert booking.history[-1].party is Party.ADMIN
    booking.cancel(Actor(user_id=CUSTOMER, role=Role.ADMIN), START, "no longer needed")
    assert booking.history[-1].party is Party.CUSTOMER
