"""Bookings and booking reminders in memory, through a ``MemoryUnitOfWork``.

Mirrors ``adapters.sqlalchemy.booking.bookings``. The no-overlap rule and the caps on a
customer's pending requests are checked first thing in commit, against the committed bookings:
memory commits have no ``await`` inside, so the check and the write are one atomic step, as
the database's constraint and the customer's row lock make them.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date, datetime
from typing import TYPE_CHECKING

from alora_core.booking.bookings.errors import SlotUnavailable
from alora_core.booking.bookings.model import Booking, BookingReminder, BookingStatus
from alora_core.booking.bookings.pending import PendingCaps, pending_refusal
from alora_core.booking.bookings.ports import BookingFilter, ReminderCandidate
from alora_core.booking.professionals.availability import Interval
from alora_core.identity.model import User
from alora_core.shared.errors import Conflict
from alora_core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork

TABLE = "bookings"
REMINDERS = "booking_reminders"


class MemoryBookings:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, booking: Booking) -> None:
        self._uow.add(TABLE, booking)
        self._uow.before_commit(lambda: self._check_free(booking))

    async def moved(self, booking: Booking) -> None:
        self._uow.before_commit(lambda: self._check_free(booking))

    def _check_free(self, booking: Booking) -> None:
        if not booking.held:
            return
        for other in self._uow.store.rows("bookings").values():
            if (
                other.id != booking.id
                and other.professional_id == booking.professional_id
                and other.held
                and other.start < booking.blocked_until
                and booking.start < other.blocked_until
            ):
                raise SlotUnavailable.taken()

    async def get(self, booking_id: uuid.UUID) -> Booking | None:
        booking: Booking | None = self._uow.load(TABLE, booking_id)
        return booking

    async def page(self, where: BookingFilter, page: PageRequest) -> Page[Booking]:
        def matches(b: Booking) -> bool:
            return (
                (where.participant_id is None or where.participant_id in _parties(b))
                and (where.customer_id is None or b.customer_id == where.customer_id)
                and (where.professional_id is None or b.professional_id == where.professional_id)
                and (where.status is None or b.status is where.status)
                and (where.start_from is None or b.start >= where.start_from)
                and (where.start_to is None or b.start < where.start_to)
            )

        found = sorted(self._uow.scan(TABLE, matches), key=lambda b: (b.start, b.id))
        return Page(
            items=found[page.offset : page.offset + page.page_size],
            total=len(found),
            page=page.page,
            page_size=page.page_size,
        )

    async def finished(self, ended_before: datetime, limit: int) -> list[Booking]:
        due = self._uow.scan(
            TABLE, lambda b: b.status is BookingStatus.CONFIRMED and b.end < ended_before
        )
        return sorted(due, key=lambda b: (b.end, b.id))[:limit]

    async def check_pending_caps(
        self,
        customer_id: uuid.UUID,
        professional_id: uuid.UUID,
        caps: PendingCaps,
        *,
        excluding: uuid.UUID | None = None,
    ) -> None:
        def counted(bookings: Collection[Booking]) -> tuple[int, int]:
            pending = [
                b
                for b in bookings
                if b.customer_id == customer_id
                and b.status is BookingStatus.PENDING
                and b.id != excluding
            ]
            return len(pending), sum(b.professional_id == professional_id for b in pending)

        def check(bookings: Collection[Booking]) -> None:
            if (refusal := pending_refusal(caps, *counted(bookings))) is not None:
                raise refusal

        check(list(self._uow.scan(TABLE, lambda b: b.customer_id == customer_id)))
        self._uow.before_commit(lambda: check(list(self._uow.store.rows(TABLE).values())))

    async def unanswered(
        self, requested_before: datetime, now: datetime, limit: int
    ) -> list[Booking]:
        due = self._uow.scan(
            TABLE,
            lambda b: (
                b.status is BookingStatus.PENDING
                and (b.updated_at <= requested_before or b.start <= now)
            ),
        )
        return sorted(due, key=lambda b: (b.updated_at, b.id))[:limit]


class MemoryBusyTimes:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def between(
        self,
        professional_id: uuid.UUID,
        start: datetime,
        end: datetime,
        *,
        excluding: uuid.UUID | None = None,
    ) -> list[Interval]:
        held = self._uow.scan(
            TABLE,
            lambda b: (
                b.professional_id == professional_id
                and b.held
                and b.id != excluding
                and b.start < end
                and start < b.blocked_until
            ),
        )
        return [Interval(b.start, b.blocked_until) for b in sorted(held, key=lambda b: b.start)]


def _parties(booking: Booking) -> tuple[uuid.UUID, uuid.UUID]:
    return booking.customer_id, booking.professional_id


class MemoryBookingReminders:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def candidates(self, start_from: datetime, start_to: datetime) -> list[ReminderCandidate]:
        bookings = sorted(
            self._uow.scan(
                TABLE,
                lambda b: b.status is BookingStatus.CONFIRMED and start_from <= b.start < start_to,
            ),
            key=lambda b: (b.start, b.id),
        )
        found: list[ReminderCandidate] = []
        for booking in bookings:
            for recipient_id in _parties(booking):
                user: User | None = self._uow.load("users", recipient_id)
                if user is not None and user.settings.booking_reminders:
                    found.append(
                        ReminderCandidate(
                            booking=booking,
                            recipient_id=recipient_id,
                            timezone=user.settings.timezone,
                        )
                    )
        return found

    async def sent(
        self, booking_ids: Collection[uuid.UUID]
    ) -> set[tuple[uuid.UUID, uuid.UUID, date]]:
        wanted = set(booking_ids)
        return {
            (r.booking_id, r.recipient_id, r.day)
            for r in self._uow.scan(REMINDERS, lambda r: r.booking_id in wanted)
        }

    async def add(self, reminder: BookingReminder) -> None:
        self._uow.add(REMINDERS, reminder)

        def check_unique() -> None:
            key = (reminder.booking_id, reminder.recipient_id, reminder.day)
            for other in self._uow.store.rows("booking_reminders").values():
                if (
                    other.id != reminder.id
                    and (
                        other.booking_id,
                        other.recipient_id,
                        other.day,
                    )
                    == key
                ):
                    raise Conflict("the reminder was sent already")

        self._uow.before_commit(check_unique)
