"""What the bookings use cases and jobs are given when they are wired."""

from __future__ import annotations

from attrs import Factory, frozen

from alora_core.booking.bookings.pending import PendingCaps
from alora_core.shared.clock import Clock


@frozen(kw_only=True)
class BookingsDeps:
    clock: Clock
    reminder_hour: int = 9
    """Reminders go from this hour of the recipient's day on."""
    pending_caps: PendingCaps = Factory(PendingCaps)
