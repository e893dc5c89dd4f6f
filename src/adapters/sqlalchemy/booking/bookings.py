"""The ``bookings`` and ``booking_reminders`` tables, their mapping and the repositories.

No overlaps: two pending or confirmed bookings of one professional never share a moment of
``[start_at, blocked_until)``.

- PostgreSQL decides with the exclusion constraint ``ex_bookings_no_overlap`` (btree_gist):
  a second transaction inserting (or moving a booking into) a taken range waits for the first
  and fails when it commits; the unit of work turns the violation into
  ``SlotUnavailable`` (taken). A reschedule is one UPDATE of the booking's row, so the
  constraint judges the new range with the old one already released.
- SQLite has no such constraint; its writers are serialized instead (every transaction starts
  with ``BEGIN IMMEDIATE``), so a check for an overlapping held booking made inside the
  transaction, right before the write, cannot be overtaken.

A booking keeps its status history in a JSON column: lists read it with the row, in one query.
Reminders are unique per (booking, recipient, day): a second one fails the commit.

Caps on a customer's pending requests: the requests of one customer are counted after taking
their ``users`` row lock (``FOR NO KEY UPDATE``, which foreign key checks do not wait for) on
PostgreSQL: a second request of the same customer waits there until the first commits, then
counts it (read committed). SQLite's serialized writers count inside the writing transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    case,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapper

from adapters.sqlalchemy.database import metadata
from adapters.sqlalchemy.identity.tables import users_table
from adapters.sqlalchemy.mapping import map_versioned, mapper_registry
from adapters.sqlalchemy.paging import entity_page
from adapters.sqlalchemy.types import JsonOf, UtcDateTime, str_enum
from alora_core.booking.bookings.errors import SlotUnavailable
from alora_core.booking.bookings.model import (
    HELD_STATUSES,
    Booking,
    BookingReminder,
    BookingStatus,
    StatusChange,
)
from alora_core.booking.bookings.pending import PendingCaps, pending_refusal
from alora_core.booking.bookings.ports import BookingFilter, ReminderCandidate
from alora_core.booking.professionals.availability import Interval
from alora_core.identity.model import UserSettings
from alora_core.shared.money import Money
from alora_core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

__all__ = [
    "NO_OVERLAP",
    "SqlBookingReminders",
    "SqlBookings",
    "SqlBusyTimes",
    "booking_reminders_table",
    "bookings_table",
]

NO_OVERLAP = "ex_bookings_no_overlap"
HELD = "status IN ('pending', 'confirmed')"
PENDING = "status = 'pending'"
STATUSES = ", ".join(f"'{status.value}'" for status in BookingStatus)

bookings_table = Table(
    "bookings",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("customer_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("professional_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("service_id", Uuid, ForeignKey("services.id"), nullable=False),
    Column("status", str_enum(BookingStatus), nullable=False),
    Column("start_at", UtcDateTime, nullable=False),
    Column("end_at", UtcDateTime, nullable=False),
    Column("blocked_until", UtcDateTime, nullable=False),
    Column("address", String, nullable=False),
    Column("notes", String, nullable=False),
    Column("price", JsonOf(Money | None), nullable=True),
    Column("cancelled_late", Boolean, nullable=False),
    Column("history", JsonOf(list[StatusChange]), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    CheckConstraint(f"status IN ({STATUSES})", name="status"),
    CheckConstraint("start_at < end_at AND end_at <= blocked_until", name="time_range"),
    Index("ix_bookings_professional_id_start_at", "professional_id", "start_at"),
    Index("ix_bookings_customer_id_start_at", "customer_id", "start_at"),
    Index("ix_bookings_start_at", "start_at"),
    Index(
        "ix_bookings_pending_customer_id",
        "customer_id",
        "professional_id",
        postgresql_where=text(PENDING),
        sqlite_where=text(PENDING),
    ),
    Index(
        "ix_bookings_service_id_held",
        "service_id",
        postgresql_where=text(HELD),
        sqlite_where=text(HELD),
    ),
    Index(
        "ix_bookings_confirmed_end_at",
        "end_at",
        postgresql_where=text("status = 'confirmed'"),
        sqlite_where=text("status = 'confirmed'"),
    ),
)
_b = bookings_table.c
bookings_table.append_constraint(
    ExcludeConstraint(
        (_b.professional_id, "="),
        (func.tstzrange(_b.start_at, _b.blocked_until, text("'[)'")), "&&"),
        name=NO_OVERLAP,
        using="gist",
        where=text(HELD),
    ).ddl_if(dialect="postgresql")
)

booking_reminders_table = Table(
    "booking_reminders",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("booking_id", Uuid, ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False),
    Column("recipient_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("day", Date, nullable=False),
    Column("sent_at", UtcDateTime, nullable=False),
    UniqueConstraint("booking_id", "recipient_id", "day"),
)
_r = booking_reminders_table.c

booking_mapper: Mapper[Any] = map_versioned(
    Booking, bookings_table, start=_b.start_at, end=_b.end_at
)
reminder_mapper: Mapper[Any] = mapper_registry.map_imperatively(
    BookingReminder, booking_reminders_table
)


class SqlBookings:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def add(self, booking: Booking) -> None:
        await self._check_free(booking)
        self._uow.add(booking)

    async def moved(self, booking: Booking) -> None:
        await self._check_free(booking)

    async def _check_free(self, booking: Booking) -> None:
        """SQLite: refuse an overlap now, in the transaction that writes the booking (on
        PostgreSQL the exclusion constraint refuses it when the row is written)."""
        if self._uow.dialect_name != "sqlite" or not booking.held:
            return
        statement = (
            select(_b.id)
            .where(
                _b.professional_id == booking.professional_id,
                _b.status.in_(HELD_STATUSES),
                _b.start_at < booking.blocked_until,
                _b.blocked_until > booking.start,
                _b.id != booking.id,
            )
            .limit(1)
        )
        with self._uow.session.no_autoflush:
            taken = (await self._uow.execute(statement)).first()
        if taken is not None:
            raise SlotUnavailable.taken()

    async def get(self, booking_id: uuid.UUID) -> Booking | None:
        return await self._uow.get(Booking, booking_id)

    async def page(self, where: BookingFilter, page: PageRequest) -> Page[Booking]:
        criteria: list[ColumnElement[bool]] = []
        if (participant := where.participant_id) is not None:
            criteria.append(or_(_b.customer_id == participant, _b.professional_id == participant))
        if where.customer_id is not None:
            criteria.append(_b.customer_id == where.customer_id)
        if where.professional_id is not None:
            criteria.append(_b.professional_id == where.professional_id)
        if where.status is not None:
            criteria.append(_b.status == where.status)
        if where.start_from is not None:
            criteria.append(_b.start_at >= where.start_from)
        if where.start_to is not None:
            criteria.append(_b.start_at < where.start_to)
        return await entity_page(self._uow, Booking, criteria, [_b.start_at, _b.id], page)

    async def finished(self, ended_before: datetime, limit: int) -> list[Booking]:
        statement = (
            select(Booking)
            .where(_b.status == BookingStatus.CONFIRMED, _b.end_at < ended_before)
            .order_by(_b.end_at, _b.id)
            .limit(limit)
        )
        return await self._uow.scalars(statement)

    async def check_pending_caps(
        self,
        customer_id: uuid.UUID,
        professional_id: uuid.UUID,
        caps: PendingCaps,
        *,
        excluding: uuid.UUID | None = None,
    ) -> None:
        _u = users_table.c
        if self._uow.dialect_name == "postgresql":
            customer_lock = (
                select(_u.id).where(_u.id == customer_id).with_for_update(key_share=True)
            )
            await self._uow.execute(customer_lock)
        of_professional = case((_b.professional_id == professional_id, 1))
        counts = select(
            func.count().label("overall"), func.count(of_professional).label("with_professional")
        ).where(_b.customer_id == customer_id, _b.status == BookingStatus.PENDING)
        if excluding is not None:
            counts = counts.where(_b.id != excluding)
        with self._uow.session.no_autoflush:
            found = (await self._uow.execute(counts)).mappings().one()
        refusal = pending_refusal(caps, found["overall"], found["with_professional"])
        if refusal is not None:
            raise refusal

    async def unanswered(
        self, requested_before: datetime, now: datetime, limit: int
    ) -> list[Booking]:
        statement = (
            select(Booking)
            .where(
                _b.status == BookingStatus.PENDING,
                or_(_b.updated_at <= requested_before, _b.start_at <= now),
            )
            .order_by(_b.updated_at, _b.id)
            .limit(limit)
        )
        return await self._uow.scalars(statement)


class SqlBusyTimes:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def between(
        self,
        professional_id: uuid.UUID,
        start: datetime,
        end: datetime,
        *,
        excluding: uuid.UUID | None = None,
    ) -> list[Interval]:
        statement = (
            select(_b.start_at, _b.blocked_until)
            .where(
                _b.professional_id == professional_id,
                _b.status.in_(HELD_STATUSES),
                _b.start_at < end,
                _b.blocked_until > start,
            )
            .order_by(_b.start_at)
        )
        if excluding is not None:
            statement = statement.where(_b.id != excluding)
        rows = await self._uow.execute(statement)
        return [Interval(row.start_at, row.blocked_until) for row in rows]


class SqlBookingReminders:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def candidates(self, start_from: datetime, start_to: datetime) -> list[ReminderCandidate]:
        bookings = await self._uow.scalars(
            select(Booking)
            .where(
                _b.status == BookingStatus.CONFIRMED,
                _b.start_at >= start_from,
                _b.start_at < start_to,
            )
            .order_by(_b.start_at, _b.id)
        )
        if not bookings:
            return []
        people = {b.customer_id for b in bookings} | {b.professional_id for b in bookings}
        _u = users_table.c
        rows = await self._uow.execute(select(_u.id, _u.settings).where(_u.id.in_(people)))
        settings: dict[uuid.UUID, UserSettings] = {row.id: row.settings for row in rows}
        found: list[ReminderCandidate] = []
        for booking in bookings:
            for recipient_id in (booking.customer_id, booking.professional_id):
                wanted = settings.get(recipient_id)
                if wanted is not None and wanted.booking_reminders:
                    found.append(
                        ReminderCandidate(
                            booking=booking, recipient_id=recipient_id, timezone=wanted.timezone
                        )
                    )
        return found

    async def sent(
        self, booking_ids: Collection[uuid.UUID]
    ) -> set[tuple[uuid.UUID, uuid.UUID, date]]:
        if not booking_ids:
            return set()
        rows = await self._uow.execute(
            select(_r.booking_id, _r.recipient_id, _r.day).where(
                _r.booking_id.in_(list(booking_ids))
            )
        )
        return {(row.booking_id, row.recipient_id, row.day) for row in rows}

    async def add(self, reminder: BookingReminder) -> None:
        self._uow.add(reminder)
