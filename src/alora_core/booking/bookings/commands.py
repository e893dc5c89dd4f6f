"""Bookings' commands. ``actor`` is who asks: a user or the system."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime, timedelta

from attrs import frozen

from alora_core.booking.bookings.model import Booking, BookingStatus
from alora_core.booking.bookings.queries import OpenSlots
from alora_core.shared.actor import Actor
from alora_core.shared.commands import Command
from alora_core.shared.pagination import Page


@frozen(kw_only=True)
class RequestBooking(Command[Booking]):
    """The actor books ``duration_minutes`` of a professional's time for a service; they are
    the booking's customer; only users whose email address is verified may book."""

    actor: Actor
    professional_id: uuid.UUID
    service_id: uuid.UUID
    start: datetime
    duration_minutes: int
    address: str
    notes: str = ""


@frozen(kw_only=True)
class ConfirmBooking(Command[Booking]):
    actor: Actor
    booking_id: uuid.UUID


@frozen(kw_only=True)
class RejectBooking(Command[Booking]):
    actor: Actor
    booking_id: uuid.UUID
    reason: str


@frozen(kw_only=True)
class CancelBooking(Command[Booking]):
    actor: Actor
    booking_id: uuid.UUID
    reason: str


@frozen(kw_only=True)
class CompleteBooking(Command[Booking]):
    actor: Actor
    booking_id: uuid.UUID


@frozen(kw_only=True)
class RescheduleBooking(Command[Booking]):
    actor: Actor
    booking_id: uuid.UUID
    start: datetime


@frozen(kw_only=True)
class GetBooking(Command[Booking]):
    actor: Actor
    booking_id: uuid.UUID


class ListedRole(enum.StrEnum):
    """Whose bookings a list shows."""

    ANY = "any"
    """The actor's, as customer or as professional."""
    CUSTOMER = "customer"
    PROFESSIONAL = "professional"
    ALL = "all"
    """Everyone's: administrators only."""


@frozen(kw_only=True)
class ListBookings(Command[Page[Booking]]):
    """The actor's bookings by start time (earliest first), in numbered pages; ``start_from``
    and ``start_to`` bound the start (``[start_from, start_to)``)."""

    actor: Actor
    role: ListedRole = ListedRole.ANY
    status: BookingStatus | None = None
    start_from: datetime | None = None
    start_to: datetime | None = None
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class ListOpenSlots(Command[OpenSlots]):
    """The professional's bookable starts in ``[start_from, start_to)`` (default: the next seven
    days), for ``duration_minutes`` (default: one slot) of ``service_id`` when given."""

    professional_id: uuid.UUID
    viewer: Actor
    """Who asks; ``Actor.anonymous()`` when not signed in."""
    start_from: datetime | None = None
    start_to: datetime | None = None
    service_id: uuid.UUID | None = None
    duration_minutes: int | None = None


@frozen(kw_only=True)
class CompleteFinishedBookings(Command[int]):
    """Complete the confirmed bookings that ended more than ``grace`` ago (a job)."""

    grace: timedelta = timedelta(minutes=120)


@frozen(kw_only=True)
class ExpireUnansweredBookings(Command[int]):
    """Expire the pending bookings the professional did not answer within ``unanswered_for``
    of their request (or last move), and those whose start came first (a job)."""

    unanswered_for: timedelta = timedelta(hours=48)


@frozen(kw_only=True)
class SendBookingReminders(Command[int]):
    """Remind each party of their confirmed bookings of the day once their local 09:00 has
    come (a job, run every few minutes; each reminder goes once)."""
