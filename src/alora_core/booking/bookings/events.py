"""Bookings' events. Each names the booking, its parties, its time and who acted (None: the
system); ``name`` is the wire name used by the outbox and the handlers."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar

from attrs import frozen

from alora_core.shared.events import DomainEvent


@frozen(kw_only=True)
class BookingRequested(DomainEvent):
    name: ClassVar[str] = "booking.requested"
    booking_id: uuid.UUID
    customer_id: uuid.UUID
    professional_id: uuid.UUID
    service_id: uuid.UUID
    start: datetime
    end: datetime
    actor_id: uuid.UUID | None


@frozen(kw_only=True)
class BookingConfirmed(DomainEvent):
    name: ClassVar[str] = "booking.confirmed"
    booking_id: uuid.UUID
    customer_id: uuid.UUID
    professional_id: uuid.UUID
    service_id: uuid.UUID
    start: datetime
    end: datetime
    actor_id: uuid.UUID | None


@frozen(kw_only=True)
class BookingRejected(DomainEvent):
    name: ClassVar[str] = "booking.rejected"
    booking_id: uuid.UUID
    customer_id: uuid.UUID
    professional_id: uuid.UUID
    service_id: uuid.UUID
    start: datetime
    end: datetime
    actor_id: uuid.UUID | None
    reason: str


@frozen(kw_only=True)
class BookingCancelled(DomainEvent):
    name: ClassVar[str] = "booking.cancelled"
    booking_id: uuid.UUID
    customer_id: uuid.UUID
    professional_id: uuid.UUID
    service_id: uuid.UUID
    start: datetime
    end: datetime
    actor_id: uuid.UUID | None
    reason: str
    late: bool
    """The customer cancelled less than 24 hours before the start."""


@frozen(kw_only=True)
class BookingRescheduled(DomainEvent):
    name: ClassVar[str] = "booking.rescheduled"
    booking_id: uuid.UUID
    customer_id: uuid.UUID
    professional_id: uuid.UUID
    service_id: uuid.UUID
    start: datetime
    end: datetime
    actor_id: uuid.UUID | None
    previous_start: datetime
    previous_end: datetime
    status: str
    """The status after the move: ``pending`` unless the professional moved it."""


@frozen(kw_only=True)
class BookingCompleted(DomainEvent):
    name: ClassVar[str] = "booking.completed"
    booking_id: uuid.UUID
    customer_id: uuid.UUID
    professional_id: uuid.UUID
    service_id: uuid.UUID
    start: datetime
    end: datetime
    actor_id: uuid.UUID | None
    """None when the completion job completed it."""


@frozen(kw_only=True)
class BookingExpired(DomainEvent):
    """A pending booking lapsed unanswered (the expiry job); its time is free again."""

    name: ClassVar[str] = "booking.expired"
    booking_id: uuid.UUID
    customer_id: uuid.UUID
    professional_id: uuid.UUID
    service_id: uuid.UUID
    start: datetime
    end: datetime
    actor_id: uuid.UUID | None
    """Always None: the system expires bookings."""
    reason: str
    """``unanswered`` (not answered in time) or ``start_passed`` (its start came first)."""


@frozen(kw_only=True)
class BookingReminderDue(DomainEvent):
    """One party of a confirmed booking is reminded of it on its day (once per day)."""

    name: ClassVar[str] = "booking.reminder_due"
    booking_id: uuid.UUID
    recipient_id: uuid.UUID
    professional_id: uuid.UUID
    service_id: uuid.UUID
    start: datetime
    end: datetime
    day: date
    """The booking's day in the recipient's time zone."""
    timezone: str


BookingEvent = (
    BookingRequested
    | BookingConfirmed
    | BookingRejected
    | BookingCancelled
    | BookingRescheduled
    | BookingCompleted
    | BookingExpired
)
