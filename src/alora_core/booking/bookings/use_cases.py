"""Bookings' use cases: request, move through the status machine, reschedule and read (the
jobs are in ``jobs``).

Two writers racing on one booking both load version ``v``; the second commit finds it stale
(``Conflict``), runs again on the fresh booking and gets the precise answer (the status no
longer allows the change, or the time is taken now). The no-overlap rule itself is the
database's (see ``ports.Bookings.add``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from alora_core.booking.bookings import commands as c
from alora_core.booking.bookings.deps import BookingsDeps
from alora_core.booking.bookings.errors import BookingNotFound, SlotUnavailable, TransitionRefused
from alora_core.booking.bookings.jobs import JOB_USE_CASES
from alora_core.booking.bookings.model import Action, Booking, BookingStatus, Party, price_for
from alora_core.booking.bookings.ports import BookingFilter, BookingsUnitOfWork
from alora_core.booking.bookings.queries import OpenSlots
from alora_core.booking.professionals.availability import (
    Refusal,
    booking_duration,
    duration_problem,
    open_slots,
    refusal,
)
from alora_core.booking.professionals.model import ProfessionalProfile
from alora_core.booking.professionals.queries import Viewer
from alora_core.booking.professionals.validation import RULE_BOUNDS
from alora_core.shared.actor import Actor
from alora_core.shared.audit import AuditEntry
from alora_core.shared.errors import FieldError, Forbidden, Invalid, NotFound
from alora_core.shared.pagination import Page, PageRequest
from alora_core.shared.retry import retrying_on_stale
from alora_core.shared.text import has_control_characters

T = TypeVar("T")

MAX_ADDRESS = 500
MAX_NOTES = 2000
MAX_REASON = 1000
FURTHEST_START = timedelta(days=3650)
"""No professional's horizon reaches this far; a start beyond it is refused without more."""
DEFAULT_SLOT_WINDOW = timedelta(days=7)
MAX_SLOT_WINDOW = timedelta(days=31)
SLOTS_AHEAD = timedelta(days=RULE_BOUNDS["horizon_days"][1] + 1)
"""How far ahead ``from`` may ask: past every professional's booking horizon, no slot opens."""


# --- checking input ---------------------------------------------------------------------------


def _utc(moment: datetime, field: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise Invalid.field(field, "must carry a time zone offset, e.g. 2030-01-15T09:00:00Z")
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise Invalid.field(field, "is out of range") from None


def _text(value: str, field: str, *, limit: int, required: bool) -> tuple[str, FieldError | None]:
    text = value.strip()
    if required and not text:
        return text, FieldError(field, "is required", "required")
    if len(text) > limit:
        return text, FieldError(field, f"must have at most {limit} characters")
    if has_control_characters(text, "\n\t"):
        return text, FieldError(field, "must not hold control characters")
    return text, None


def _reason(value: str) -> str:
    text, error = _text(value, "reason", limit=MAX_REASON, required=True)
    if error is not None:
        raise Invalid(error.message, [error])
    return text


# --- shared steps -------------------------------------------------------------------------------


async def _visible(uow: BookingsUnitOfWork, actor: Actor, booking_id: uuid.UUID) -> Booking:
    """The booking when the actor has a part in it (or is an administrator)."""
    booking = await uow.bookings.get(booking_id)
    if booking is None:
        raise BookingNotFound("no such booking")
    booking.party_of(actor)
    return booking


async def _check_bookable(
    uow: BookingsUnitOfWork,
    profile: ProfessionalProfile,
    *,
    start: datetime,
    duration: timedelta,
    buffer: timedelta,
    now: datetime,
    excluding: uuid.UUID | None = None,
) -> None:
    """``SlotUnavailable`` unless ``start`` is one of the professional's open slots now."""
    if start < now:
        raise SlotUnavailable(Refusal.TOO_SOON)
    if start - now > FURTHEST_START:
        raise SlotUnavailable(Refusal.BEYOND_HORIZON)
    busy = await uow.busy_times.between(
        profile.id, start, start + duration + buffer, excluding=excluding
    )
    refused = refusal(profile.schedule, busy, start=start, duration=duration, now=now)
    if refused is not None:
        raise SlotUnavailable(refused)


async def _bookable_professional(
    uow: BookingsUnitOfWork, professional_id: uuid.UUID, viewer: Viewer
) -> ProfessionalProfile:
    """The professional's profile, when the viewer may see them in the directory (a suspended
    or hidden professional is as unknown as a missing one)."""
    profile = await uow.professionals.get(professional_id)
    if profile is None or await uow.professional_directory.get(professional_id, viewer) is None:
        raise NotFound("no such professional")
    return profile


async def _audit_if_admin(
    uow: BookingsUnitOfWork, booking: Booking, action: Action, now: datetime
) -> None:
    """Record a change an administrator made to someone else's booking."""
    change = booking.history[-1]
    if change.party is not Party.ADMIN or change.actor_id is None:
        return
    details: dict[str, Any] = {"from": change.from_status, "to": change.to_status}
    if change.reason:
        details["reason"] = change.reason
    if change.previous_start is not None:
        details["previous_start"] = change.previous_start.isoformat()
        details["start"] = booking.start.isoformat()
    await uow.audit_log.add(
        AuditEntry(
            actor_id=change.actor_id,
            action=f"booking.{action.value}",
            target_type="booking",
            target_id=str(booking.id),
            occurred_at=now,
            details=details,
        )
    )


# --- requesting ----------------------------------------------------------------------------------


async def request_booking(
    cmd: c.RequestBooking, uow: BookingsUnitOfWork, deps: BookingsDeps
) -> Booking:
    """Book a professional's time for a service: ``pending`` until the professional answers,
    within the customer's caps on pending requests (``pending``)."""
    customer_id = cmd.actor.user_id
    if customer_id is None:
        raise Forbidden("only a user may book")
    if not cmd.actor.email_verified:
        raise Forbidden("verify your email address before booking")
    errors: list[FieldError] = []
    start = _utc(cmd.start, "start")
    if (duration_error := duration_problem(cmd.duration_minutes)) is not None:
        errors.append(FieldError("duration_minutes", duration_error))
    address, problem = _text(cmd.address, "address", limit=MAX_ADDRESS, required=True)
    errors.extend([problem] if problem else [])
    notes, problem = _text(cmd.notes, "notes", limit=MAX_NOTES, required=False)
    errors.extend([problem] if problem else [])
    if cmd.professional_id == customer_id:
        errors.append(FieldError("professional_id", "you cannot book yourself"))
    if errors:
        raise Invalid("the booking has invalid fields", errors)
    duration = timedelta(minutes=cmd.duration_minutes)

    async def attempt() -> Booking:
        async with uow:
            profile = await _bookable_professional(
                uow, cmd.professional_id, Viewer(user_id=customer_id)
            )
            service = await uow.services.get_for_share(cmd.service_id)
            if service is None:
                raise NotFound("no such service")
            if not service.active or service.id not in profile.service_ids:
                raise Invalid.field("service_id", "the professional does not offer this service")
            await uow.bookings.check_pending_caps(customer_id, profile.id, deps.pending_caps)
            now = deps.clock.now()
            buffer = timedelta(minutes=profile.schedule.rules.buffer_minutes)
            await _check_bookable(
                uow, profile, start=start, duration=duration, buffer=buffer, now=now
            )
            booking = Booking.request(
                customer_id=customer_id,
                professional_id=profile.id,
                service_id=service.id,
                start=start,
                duration=duration,
                buffer=buffer,
                address=address,
                notes=notes,
                price=price_for(profile.hourly_rate, duration),
                actor=cmd.actor,
                now=now,
            )
            await uow.bookings.add(booking)
            await uow.commit()
        return booking

    return await retrying_on_stale(attempt)


# --- the status machine --------------------------------------------------------------------------


async def _change(
    uow: BookingsUnitOfWork,
    deps: BookingsDeps,
    actor: Actor,
    booking_id: uuid.UUID,
    action: Action,
    change: Callable[[Booking, datetime], None],
) -> Booking:
    async def attempt() -> Booking:
        async with uow:
            booking = await _visible(uow, actor, booking_id)
            now = deps.clock.now()
            change(booking, now)
            await _audit_if_admin(uow, booking, action, now)
            await uow.commit()
        return booking

    return await retrying_on_stale(attempt)


async def confirm_booking(
    cmd: c.ConfirmBooking, uow: BookingsUnitOfWork, deps: BookingsDeps
) -> Booking:
    return await _change(
        uow,
        deps,
        cmd.actor,
        cmd.booking_id,
        Action.CONFIRM,
        lambda booking, now: booking.confirm(cmd.actor, now),
    )


async def reject_booking(
    cmd: c.RejectBooking, uow: BookingsUnitOfWork, deps: BookingsDeps
) -> Booking:
    reason = _reason(cmd.reason)
    return await _change(
        uow,
        deps,
        cmd.actor,
        cmd.booking_id,
        Action.REJECT,
        lambda booking, now: booking.reject(cmd.actor, now, reason),
    )


async def cancel_booking(
    cmd: c.CancelBooking, uow: BookingsUnitOfWork, deps: BookingsDeps
) -> Booking:
    reason = _reason(cmd.reason)
    return await _change(
        uow,
        deps,
        cmd.actor,
        cmd.booking_id,
        Action.CANCEL,
        lambda booking, now: booking.cancel(cmd.actor, now, reason),
    )


async def complete_booking(
    cmd: c.CompleteBooking, uow: BookingsUnitOfWork, deps: BookingsDeps
) -> Booking:
    return await _change(
        uow,
        deps,
        cmd.actor,
        cmd.booking_id,
        Action.COMPLETE,
        lambda booking, now: booking.complete(cmd.actor, now),
    )


async def reschedule_booking(
    cmd: c.RescheduleBooking, uow: BookingsUnitOfWork, deps: BookingsDeps
) -> Booking:
    """Move a pending or confirmed booking to ``start`` (same duration), checked like a new
    booking against every other booking; one UPDATE releases the old time and takes the new.
    A customer's move of a confirmed booking makes it a request again: within their caps."""
    start = _utc(cmd.start, "start")

    async def attempt() -> Booking:
        async with uow:
            booking = await _visible(uow, cmd.actor, cmd.booking_id)
            party = booking.party_for(cmd.actor, Action.RESCHEDULE)
            if not booking.held:
                raise TransitionRefused(
                    f"a {booking.status.value} booking cannot be rescheduled", booking.status
                )
            if start == booking.start:
                raise Invalid.field("start", "is the booking's start already")
            if party is Party.CUSTOMER and booking.status is BookingStatus.CONFIRMED:
                await uow.bookings.check_pending_caps(
                    booking.customer_id,
                    booking.professional_id,
                    deps.pending_caps,
                    excluding=booking.id,
                )
            profile = await uow.professionals.get(booking.professional_id)
            if profile is None:
                raise NotFound("no such professional")
            now = deps.clock.now()
            buffer = timedelta(minutes=profile.schedule.rules.buffer_minutes)
            await _check_bookable(
                uow,
                profile,
                start=start,
                duration=booking.duration,
                buffer=buffer,
                now=now,
                excluding=booking.id,
            )
            booking.reschedule(cmd.actor, now, start, buffer)
            await uow.bookings.moved(booking)
            await _audit_if_admin(uow, booking, Action.RESCHEDULE, now)
            await uow.commit()
        return booking

    return await retrying_on_stale(attempt)


# --- reading -----------------------------------------------------------------------------------


async def get_booking(cmd: c.GetBooking, uow: BookingsUnitOfWork, deps: BookingsDeps) -> Booking:
    async with uow.reading():
        return await _visible(uow, cmd.actor, cmd.booking_id)


async def list_bookings(
    cmd: c.ListBookings, uow: BookingsUnitOfWork, deps: BookingsDeps
) -> Page[Booking]:
    page = PageRequest(cmd.page, cmd.page_size)
    user_id = cmd.actor.user_id
    start_from = None if cmd.start_from is None else _utc(cmd.start_from, "from")
    start_to = None if cmd.start_to is None else _utc(cmd.start_to, "to")
    if start_from is not None and start_to is not None and start_from >= start_to:
        raise Invalid.field("to", "must be after from")
    where = BookingFilter(status=cmd.status, start_from=start_from, start_to=start_to)
    if cmd.role is c.ListedRole.ALL:
        if not cmd.actor.is_admin:
            raise Forbidden("only administrators may list everyone's bookings")
    elif user_id is None:
        raise Forbidden("only a user has bookings")
    elif cmd.role is c.ListedRole.CUSTOMER:
        where = BookingFilter(
            customer_id=user_id, status=cmd.status, start_from=start_from, start_to=start_to
        )
    elif cmd.role is c.ListedRole.PROFESSIONAL:
        where = BookingFilter(
            professional_id=user_id, status=cmd.status, start_from=start_from, start_to=start_to
        )
    else:
        where = BookingFilter(
            participant_id=user_id, status=cmd.status, start_from=start_from, start_to=start_to
        )
    async with uow.reading():
        return await uow.bookings.page(where, page)


async def list_open_slots(
    cmd: c.ListOpenSlots, uow: BookingsUnitOfWork, deps: BookingsDeps
) -> OpenSlots:
    """The starts a customer could book now: working hours, exceptions, other bookings with
    their buffers, minimum notice and horizon all applied (``availability.open_slots``)."""
    now = deps.clock.now()
    start_from = now if cmd.start_from is None else _utc(cmd.start_from, "from")
    if start_from > now + SLOTS_AHEAD:
        raise Invalid.field(
            "from", f"must be at most {SLOTS_AHEAD.days} days ahead: no slot opens further ahead"
        )
    if cmd.start_to is None:
        start_to = start_from + DEFAULT_SLOT_WINDOW
    else:
        start_to = _utc(cmd.start_to, "to")
        if start_to <= start_from:
            raise Invalid.field("to", "must be after from")
        if start_to - start_from > MAX_SLOT_WINDOW:
            raise Invalid.field("to", f"must be at most {MAX_SLOT_WINDOW.days} days after from")
    async with uow.reading():
        profile = await _bookable_professional(uow, cmd.professional_id, Viewer.of(cmd.viewer))
        if cmd.service_id is not None:
            service = await uow.services.get(cmd.service_id)
            if service is None:
                raise NotFound("no such service")
            if not service.active or service.id not in profile.service_ids:
                raise Invalid.field("service_id", "the professional does not offer this service")
        schedule = profile.schedule
        duration = booking_duration(cmd.duration_minutes, schedule.rules)
        reach = duration + timedelta(minutes=schedule.rules.buffer_minutes)
        busy = await uow.busy_times.between(profile.id, start_from, start_to + reach)
    slots = open_slots(schedule, busy, start=start_from, end=start_to, duration=duration, now=now)
    return OpenSlots(timezone=schedule.timezone, slots=slots)


# --- wiring ------------------------------------------------------------------------------------

USE_CASES: dict[type, Callable[..., Any]] = {
    c.RequestBooking: request_booking,
    c.ConfirmBooking: confirm_booking,
    c.RejectBooking: reject_booking,
    c.CancelBooking: cancel_booking,
    c.CompleteBooking: complete_booking,
    c.RescheduleBooking: reschedule_booking,
    c.GetBooking: get_booking,
    c.ListBookings: list_bookings,
    c.ListOpenSlots: list_open_slots,
    **JOB_USE_CASES,
}


def command_handlers(deps: BookingsDeps) -> dict[type, Callable[..., Any]]:
    """Each bookings command bound to its use case and the part's dependencies."""
    return {command: partial(use_case, deps=deps) for command, use_case in USE_CASES.items()}
