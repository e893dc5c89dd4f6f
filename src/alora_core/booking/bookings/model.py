"""The booking aggregate and its status machine.

A booking holds ``[start, blocked_until)`` of its professional's time while it is pending or
confirmed (``blocked_until`` is the end plus the professional's buffer at booking time); two
held bookings of one professional never overlap (the adapters enforce it in the database).

Who may move a booking where::

    pending   -> confirmed   professional
    pending   -> rejected    professional
    pending   -> cancelled   customer
    confirmed -> completed   professional (not before the start), or the completion job
    confirmed -> cancelled   customer
    pending   -> expired     the expiry job (unanswered too long, or its start came)

An administrator may make any of these moves; nothing else is ever allowed.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from attrs import define, field, frozen

from alora_core.booking.bookings import events
from alora_core.booking.bookings.errors import (
    BookingNotFound,
    NotAllowed,
    TooEarlyToComplete,
    TransitionRefused,
)
from alora_core.shared.actor import Actor
from alora_core.shared.events import EventRecorder
from alora_core.shared.ids import new_id
from alora_core.shared.money import Money

LATE_CANCELLATION = timedelta(hours=24)
"""A customer's cancellation this close to the start (or later) is recorded as late."""


class BookingStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    EXPIRED = "expired"
    """Pending until the expiry job found it unanswered for too long, or its start passed."""

    @property
    def holds_time(self) -> bool:
        """Whether a booking in this status keeps its time from other bookings."""
        return self in HELD_STATUSES


HELD_STATUSES = frozenset({BookingStatus.PENDING, BookingStatus.CONFIRMED})


class Party(enum.StrEnum):
    """The part someone plays in a booking's change."""

    CUSTOMER = "customer"
    PROFESSIONAL = "professional"
    ADMIN = "admin"
    SYSTEM = "system"
    """A scheduled job (automatic completion, expiry); no user acts."""


class Action(enum.StrEnum):
    REQUEST = "request"
    CONFIRM = "confirm"
    REJECT = "reject"
    CANCEL = "cancel"
    COMPLETE = "complete"
    EXPIRE = "expire"
    RESCHEDULE = "reschedule"


TRANSITIONS: dict[tuple[BookingStatus, BookingStatus], frozenset[Party]] = {
    (BookingStatus.PENDING, BookingStatus.CONFIRMED): frozenset({Party.PROFESSIONAL}),
    (BookingStatus.PENDING, BookingStatus.REJECTED): frozenset({Party.PROFESSIONAL}),
    (BookingStatus.PENDING, BookingStatus.CANCELLED): frozenset({Party.CUSTOMER}),
    (BookingStatus.CONFIRMED, BookingStatus.COMPLETED): frozenset(
        {Party.PROFESSIONAL, Party.SYSTEM}
    ),
    (BookingStatus.CONFIRMED, BookingStatus.CANCELLED): frozenset({Party.CUSTOMER}),
    (BookingStatus.PENDING, BookingStatus.EXPIRED): frozenset({Party.SYSTEM}),
}
"""Every allowed status change and who may make it besides an administrator."""

TARGET_OF: dict[Action, BookingStatus] = {
    Action.CONFIRM: BookingStatus.CONFIRMED,
    Action.REJECT: BookingStatus.REJECTED,
    Action.CANCEL: BookingStatus.CANCELLED,
    Action.COMPLETE: BookingStatus.COMPLETED,
    Action.EXPIRE: BookingStatus.EXPIRED,
}


def may_move(party: Party, source: BookingStatus, target: BookingStatus) -> bool:
    """Whether ``party`` may change a booking from ``source`` to ``target``."""
    allowed = TRANSITIONS.get((source, target))
    return allowed is not None and (party is Party.ADMIN or party in allowed)


def may_act(party: Party, action: Action) -> bool:
    """Whether ``party`` may ever take ``action`` (in some status)."""
    if party is Party.ADMIN:
        return True
    if action is Action.RESCHEDULE:
        return party in {Party.CUSTOMER, Party.PROFESSIONAL}
    if action is Action.REQUEST:
        return party is Party.CUSTOMER
    target = TARGET_OF[action]
    return any(party in parties for (_, to), parties in TRANSITIONS.items() if to is target)


class ExpiryReason(enum.StrEnum):
    """Why a pending booking expired (the ``reason`` of its history entry and event)."""

    UNANSWERED = "unanswered"
    """The professional did not answer in time."""
    START_PASSED = "start_passed"
    """Its start came before an answer."""


@frozen(kw_only=True)
class StatusChange:
    """One entry of a booking's history: it was requested, moved, or rescheduled."""

    at: datetime
    actor_id: uuid.UUID | None
    party: Party
    action: Action
    from_status: BookingStatus | None
    """None for the request that created the booking."""
    to_status: BookingStatus
    reason: str | None = None
    late: bool = False
    """A cancellation by the customer less than ``LATE_CANCELLATION`` before the start."""
    previous_start: datetime | None = None
    """For a reschedule: where the booking was before."""


def price_for(hourly_rate: Money | None, duration: timedelta) -> Money | None:
    """The hourly rate times the duration, rounded half up to a minor unit."""
    if hourly_rate is None:
        return None
    minutes = int(duration.total_seconds()) // 60
    return Money((hourly_rate.amount * minutes + 30) // 60, hourly_rate.currency)


@define(slots=False, kw_only=True)
class Booking(EventRecorder):
    customer_id: uuid.UUID
    professional_id: uuid.UUID
    service_id: uuid.UUID
    status: BookingStatus
    start: datetime
    end: datetime
    blocked_until: datetime
    """``end`` plus the professional's buffer when the time was booked; held up to here."""
    address: str
    notes: str
    price: Money | None
    created_at: datetime
    updated_at: datetime
    history: list[StatusChange] = field(factory=list)
    cancelled_late: bool = False
    id: uuid.UUID = field(factory=new_id)
    version: int = 1

    @classmethod
    def request(
        cls,
        *,
        customer_id: uuid.UUID,
        professional_id: uuid.UUID,
        service_id: uuid.UUID,
        start: datetime,
        duration: timedelta,
        buffer: timedelta,
        address: str,
        notes: str,
        price: Money | None,
        actor: Actor,
        now: datetime,
    ) -> Booking:
        end = start + duration
        booking = cls(
            customer_id=customer_id,
            professional_id=professional_id,
            service_id=service_id,
            status=BookingStatus.PENDING,
            start=start,
            end=end,
            blocked_until=end + buffer,
            address=address,
            notes=notes,
            price=price,
            created_at=now,
            updated_at=now,
        )
        booking.history = [
            StatusChange(
                at=now,
                actor_id=actor.user_id,
                party=Party.CUSTOMER,
                action=Action.REQUEST,
                from_status=None,
                to_status=BookingStatus.PENDING,
            )
        ]
        booking.record(events.BookingRequested(**booking._facts(actor, now)))
        return booking

    # -- who is asking ---------------------------------------------------------------------------

    def party_of(self, actor: Actor) -> Party:
        """The part ``actor`` plays here; ``BookingNotFound`` for anyone with no part (they
        may not learn that the booking exists)."""
        if actor.is_system:
            return Party.SYSTEM
        if actor.user_id == self.customer_id:
            return Party.CUSTOMER
        if actor.user_id == self.professional_id:
            return Party.PROFESSIONAL
        if actor.is_admin:
            return Party.ADMIN
        raise BookingNotFound("no such booking")

    def party_for(self, actor: Actor, action: Action) -> Party:
        """The part ``actor`` plays in taking ``action``: a participant who may not take it
        acts as an administrator when they are one; otherwise ``NotAllowed``."""
        party = self.party_of(actor)
        if may_act(party, action):
            return party
        if actor.is_admin:
            return Party.ADMIN
        raise NotAllowed(f"the {party.value} of a booking may not {action.value} it")

    @property
    def held(self) -> bool:
        return self.status.holds_time

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @property
    def buffer(self) -> timedelta:
        return self.blocked_until - self.end

    # -- the status machine ----------------------------------------------------------------------

    def confirm(self, actor: Actor, now: datetime) -> None:
        self._move(Action.CONFIRM, actor, now, None)

    def reject(self, actor: Actor, now: datetime, reason: str) -> None:
        self._move(Action.REJECT, actor, now, reason)

    def cancel(self, actor: Actor, now: datetime, reason: str) -> None:
        self._move(Action.CANCEL, actor, now, reason)

    def complete(self, actor: Actor, now: datetime) -> None:
        self._move(Action.COMPLETE, actor, now, None)

    def expire(self, actor: Actor, now: datetime, why: ExpiryReason) -> None:
        """The request lapsed (the expiry job's move); its time is free again."""
        self._move(Action.EXPIRE, actor, now, why.value)

    def _move(self, action: Action, actor: Actor, now: datetime, reason: str | None) -> None:
        party = self.party_for(actor, action)
        target = TARGET_OF[action]
        if not may_move(party, self.status, target):
            raise TransitionRefused(
                f"a {self.status.value} booking cannot be {target.value}", self.status
            )
        if target is BookingStatus.COMPLETED and now < self.start:
            raise TooEarlyToComplete("a booking cannot be completed before it starts")
        late = (
            target is BookingStatus.CANCELLED
            and party is Party.CUSTOMER
            and now > self.start - LATE_CANCELLATION
        )
        source = self.status
        self.status = target
        self.updated_at = now
        self.cancelled_late = self.cancelled_late or late
        self.history = [
            *self.history,
            StatusChange(
                at=now,
                actor_id=actor.user_id,
                party=party,
                action=action,
                from_status=source,
                to_status=target,
                reason=reason,
                late=late,
            ),
        ]
        facts = self._facts(actor, now)
        if target is BookingStatus.CONFIRMED:
            self.record(events.BookingConfirmed(**facts))
        elif target is BookingStatus.REJECTED:
            self.record(events.BookingRejected(**facts, reason=reason or ""))
        elif target is BookingStatus.CANCELLED:
            self.record(events.BookingCancelled(**facts, reason=reason or "", late=late))
        elif target is BookingStatus.EXPIRED:
            self.record(events.BookingExpired(**facts, reason=reason or ""))
        else:
            self.record(events.BookingCompleted(**facts))

    # -- reschedule ------------------------------------------------------------------------------

    def reschedule(self, actor: Actor, now: datetime, start: datetime, buffer: timedelta) -> None:
        """Move to ``start``, keeping the duration, now followed by ``buffer``. Back to pending
        unless the professional moved it. The caller checks that the new time is bookable."""
        party = self.party_for(actor, Action.RESCHEDULE)
        if not self.held:
            raise TransitionRefused(
                f"a {self.status.value} booking cannot be rescheduled", self.status
            )
        previous_start, previous_end = self.start, self.end
        duration = self.duration
        source = self.status
        target = source if party is Party.PROFESSIONAL else BookingStatus.PENDING
        self.start, self.end = start, start + duration
        self.blocked_until = self.end + buffer
        self.status = target
        self.updated_at = now
        self.history = [
            *self.history,
            StatusChange(
                at=now,
                actor_id=actor.user_id,
                party=party,
                action=Action.RESCHEDULE,
                from_status=source,
                to_status=target,
                previous_start=previous_start,
            ),
        ]
        self.record(
            events.BookingRescheduled(
                **self._facts(actor, now),
                previous_start=previous_start,
                previous_end=previous_end,
                status=target.value,
            )
        )

    def _facts(self, actor: Actor, now: datetime) -> dict[str, Any]:
        """What every booking event says."""
        return {
            "occurred_at": now,
            "booking_id": self.id,
            "customer_id": self.customer_id,
            "professional_id": self.professional_id,
            "service_id": self.service_id,
            "start": self.start,
            "end": self.end,
            "actor_id": actor.user_id,
        }


@define(slots=False, kw_only=True)
class BookingReminder(EventRecorder):
    """The record that one party was reminded of a booking on one day (in their time zone):
    unique per (booking, recipient, day), so each reminder goes once."""

    booking_id: uuid.UUID
    recipient_id: uuid.UUID
    day: date
    sent_at: datetime
    id: uuid.UUID = field(factory=new_id)

    @classmethod
    def send(
        cls, booking: Booking, recipient_id: uuid.UUID, day: date, timezone: str, now: datetime
    ) -> BookingReminder:
        reminder = cls(booking_id=booking.id, recipient_id=recipient_id, day=day, sent_at=now)
        reminder.record(
            events.BookingReminderDue(
                occurred_at=now,
                booking_id=booking.id,
                recipient_id=recipient_id,
                professional_id=booking.professional_id,
                service_id=booking.service_id,
                start=booking.start,
                end=booking.end,
                day=day,
                timezone=timezone,
            )
        )
        return reminder
