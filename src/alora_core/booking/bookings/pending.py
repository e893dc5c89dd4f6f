"""Pending requests: how many one customer may hold, and when they lapse.

A pending booking keeps the professional's time from everyone else until the professional
answers, so one customer's requests could freeze a calendar. Two caps bound what a customer
holds at once (requests waiting overall, and with one professional), and a request nobody
answered expires (``jobs.expire_unanswered_bookings``). The adapters make the caps hold under
concurrency (``ports.Bookings.check_pending_caps``).
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from alora_core.booking.bookings.errors import PendingLimitReached
from alora_core.booking.bookings.model import Booking, ExpiryReason


@frozen(kw_only=True)
class PendingCaps:
    """The most pending bookings one customer may hold at once."""

    overall: int = 10
    with_professional: int = 3
    """With any one professional."""


def pending_refusal(
    caps: PendingCaps, overall: int, with_professional: int
) -> PendingLimitReached | None:
    """Why one more pending request is refused to a customer who holds ``overall`` pending
    requests, ``with_professional`` of them with its professional; None when it is not."""
    if overall >= caps.overall:
        return PendingLimitReached(PendingLimitReached.OVERALL, caps.overall)
    if with_professional >= caps.with_professional:
        return PendingLimitReached(PendingLimitReached.WITH_PROFESSIONAL, caps.with_professional)
    return None


def expiry_reason(booking: Booking, now: datetime) -> ExpiryReason:
    """Why the pending ``booking``, found due (``ports.Bookings.unanswered``), expires ``now``:
    its start came, or else nobody answered it in time."""
    return ExpiryReason.START_PASSED if booking.start <= now else ExpiryReason.UNANSWERED
