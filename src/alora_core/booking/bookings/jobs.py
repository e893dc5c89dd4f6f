"""Bookings' scheduled jobs: automatic completion, expiry of unanswered requests, and the
daily reminders. Each works in batches or once per run, and may run again at any time: a
second run finds nothing left to do."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from alora_core.booking.bookings import commands as c
from alora_core.booking.bookings.deps import BookingsDeps
from alora_core.booking.bookings.model import BookingReminder
from alora_core.booking.bookings.pending import expiry_reason
from alora_core.booking.bookings.ports import BookingsUnitOfWork
from alora_core.shared.actor import Actor
from alora_core.shared.clock import zone_or_utc
from alora_core.shared.errors import Conflict
from alora_core.shared.retry import retrying_on_stale

COMPLETION_BATCH = 100
EXPIRY_BATCH = 100
MAX_BATCHES = 50


async def complete_finished_bookings(
    cmd: c.CompleteFinishedBookings, uow: BookingsUnitOfWork, deps: BookingsDeps
) -> int:
    """Complete every confirmed booking that ended more than the grace period ago, a batch
    per transaction; how many. A batch that loses a race (a booking cancelled meanwhile, a
    second run) is read again."""
    completed = 0
    for _ in range(MAX_BATCHES):
        async with uow:
            now = deps.clock.now()
            due = await uow.bookings.finished(now - cmd.grace, COMPLETION_BATCH)
            if not due:
                break
            for booking in due:
                booking.complete(Actor.system(), now)
            try:
                await uow.commit()
            except Conflict:
                continue
        completed += len(due)
        if len(due) < COMPLETION_BATCH:
            break
    return completed


async def expire_unanswered_bookings(
    cmd: c.ExpireUnansweredBookings, uow: BookingsUnitOfWork, deps: BookingsDeps
) -> int:
    """Expire every pending booking unanswered for ``cmd.unanswered_for`` since it was
    requested (or last moved), or whose start came first, a batch per transaction; how many.
    Each frees its time and tells the customer (``booking.expired``). A batch that loses a
    race (the professional answered meanwhile, a second run) is read again."""
    expired = 0
    for _ in range(MAX_BATCHES):
        async with uow:
            now = deps.clock.now()
            due = await uow.bookings.unanswered(now - cmd.unanswered_for, now, EXPIRY_BATCH)
            if not due:
                break
            for booking in due:
                booking.expire(Actor.system(), now, expiry_reason(booking, now))
            try:
                await uow.commit()
            except Conflict:
                continue
        expired += len(due)
        if len(due) < EXPIRY_BATCH:
            break
    return expired


async def send_booking_reminders(
    cmd: c.SendBookingReminders, uow: BookingsUnitOfWork, deps: BookingsDeps
) -> int:
    """Remind each party (who wants reminders) of their confirmed bookings that start later
    today in their time zone, once their clock shows ``reminder_hour``; how many reminders
    went. Each (booking, recipient, day) is reminded once, however often this runs."""

    async def attempt() -> int:
        async with uow:
            now = deps.clock.now()
            # Today, in any zone, ends within 26 hours (UTC+14, a DST day of 25 hours).
            candidates = await uow.booking_reminders.candidates(now, now + timedelta(hours=26))
            sent = await uow.booking_reminders.sent({c.booking.id for c in candidates})
            reminders = 0
            for candidate in candidates:
                zone = zone_or_utc(candidate.timezone)
                local_now = now.astimezone(zone)
                day = local_now.date()
                if local_now.hour < deps.reminder_hour:
                    continue
                if candidate.booking.start.astimezone(zone).date() != day:
                    continue
                key = (candidate.booking.id, candidate.recipient_id, day)
                if key in sent:
                    continue
                sent.add(key)
                reminder = BookingReminder.send(
                    candidate.booking, candidate.recipient_id, day, candidate.timezone, now
                )
                await uow.booking_reminders.add(reminder)
                reminders += 1
            if reminders:
                await uow.commit()
        return reminders

    return await retrying_on_stale(attempt)


JOB_USE_CASES: dict[type, Callable[..., Any]] = {
    c.CompleteFinishedBookings: complete_finished_bookings,
    c.ExpireUnansweredBookings: expire_unanswered_bookings,
    c.SendBookingReminders: send_booking_reminders,
}
