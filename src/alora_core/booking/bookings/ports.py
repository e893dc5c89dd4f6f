"""What the bookings part needs from the outside world."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date, datetime
from typing import Protocol

from attrs import frozen

from alora_core.booking.bookings.model import Booking, BookingReminder, BookingStatus
from alora_core.booking.bookings.pending import PendingCaps
from alora_core.booking.catalog.ports import Services
from alora_core.booking.professionals.availability import Interval
from alora_core.booking.professionals.ports import Profiles
from alora_core.booking.professionals.queries import Directory
from alora_core.shared.pagination import Page, PageRequest
from alora_core.shared.uow import UnitOfWork


@frozen(kw_only=True)
class BookingFilter:
    """Which bookings a list shows; every given criterion must hold."""

    participant_id: uuid.UUID | None = None
    """Bookings with this user as customer or as professional."""
    customer_id: uuid.UUID | None = None
    professional_id: uuid.UUID | None = None
    status: BookingStatus | None = None
    start_from: datetime | None = None
    start_to: datetime | None = None
    """``start_from <= start < start_to``."""


class Bookings(Protocol):
    async def add(self, booking: Booking) -> None:
        """Store a new booking. ``SlotUnavailable`` (taken), here or at commit, when another
        pending or confirmed booking of the professional overlaps ``[start, blocked_until)``."""
        ...

    async def moved(self, booking: Booking) -> None:
        """The booking (loaded here) changed its time: the same check as ``add``, against
        every booking but itself; it is made with the booking's one UPDATE."""
        ...

    async def get(self, booking_id: uuid.UUID) -> Booking | None: ...

    async def page(self, where: BookingFilter, page: PageRequest) -> Page[Booking]:
        """By start, then id."""
        ...

    async def finished(self, ended_before: datetime, limit: int) -> list[Booking]:
        """Confirmed bookings whose end is before ``ended_before``, oldest end first."""
        ...

    async def check_pending_caps(
        self,
        customer_id: uuid.UUID,
        professional_id: uuid.UUID,
        caps: PendingCaps,
        *,
        excluding: uuid.UUID | None = None,
    ) -> None:
        """``PendingLimitReached`` (``pending.pending_refusal``) when the customer already
        holds ``caps`` pending bookings (but ``excluding``), overall or with the professional;
        called before the transaction writes one more. Two transactions of one customer never
        both pass it on the same count: the check holds until commit."""
        ...

    async def unanswered(
        self, requested_before: datetime, now: datetime, limit: int
    ) -> list[Booking]:
        """Pending bookings last changed (requested or moved) at or before
        ``requested_before``, or starting at or before ``now``; oldest change first."""
        ...


class BusyTimes(Protocol):
    async def between(
        self,
        professional_id: uuid.UUID,
        start: datetime,
        end: datetime,
        *,
        excluding: uuid.UUID | None = None,
    ) -> list[Interval]:
        """``[start, blocked_until)`` of the professional's pending and confirmed bookings
        (but ``excluding``) that overlap ``[start, end)``, in time order."""
        ...


@frozen(kw_only=True)
class ReminderCandidate:
    """A party of a confirmed booking who wants booking reminders, with their time zone."""

    booking: Booking
    recipient_id: uuid.UUID
    timezone: str


class BookingReminders(Protocol):
    async def candidates(self, start_from: datetime, start_to: datetime) -> list[ReminderCandidate]:
        """For each confirmed booking starting in ``[start_from, start_to)``, its customer and
        its professional, when they exist and their ``booking_reminders`` setting is on."""
        ...

    async def sent(
        self, booking_ids: Collection[uuid.UUID]
    ) -> set[tuple[uuid.UUID, uuid.UUID, date]]:
        """``(booking_id, recipient_id, day)`` of the reminders sent for these bookings."""
        ...

    async def add(self, reminder: BookingReminder) -> None:
        """Store a reminder; one for the same booking, recipient and day makes commit raise
        ``Conflict``."""
        ...


class BookingsUnitOfWork(UnitOfWork, Protocol):
    @property
    def bookings(self) -> Bookings: ...

    @property
    def busy_times(self) -> BusyTimes: ...

    @property
    def booking_reminders(self) -> BookingReminders: ...

    @property
    def professionals(self) -> Profiles: ...

    @property
    def professional_directory(self) -> Directory: ...

    @property
    def services(self) -> Services: ...
