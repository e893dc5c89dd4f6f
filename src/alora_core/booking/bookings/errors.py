"""Bookings' errors: every refusal names its reason, so clients can tell them apart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from alora_core.booking.professionals.availability import Refusal
from alora_core.shared.errors import Conflict, Forbidden, NotFound


class BookingNotFound(NotFound):
    """No such booking, or one the caller has no part in."""


class NotAllowed(Forbidden):
    """A participant asked for a change their part does not allow (a customer confirming)."""


class TransitionRefused(Conflict):
    """The booking's status does not allow the change."""

    reasons = {"invalid_transition": "the booking's status does not allow this change"}

    def __init__(self, detail: str, status: object) -> None:
        super().__init__(detail)
        self.reason = "invalid_transition"
        self.status = status


class TooEarlyToComplete(Conflict):
    """Completing a booking before its start."""

    reasons = {"not_started": "the booking has not started yet"}

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.reason = "not_started"


class PendingLimitReached(Conflict):
    """The customer holds as many pending requests as allowed: overall
    (``too_many_pending``) or with this professional (``too_many_pending_with_professional``).
    It passes when the professional answers, the customer cancels, or a request expires."""

    OVERALL = "too_many_pending"
    WITH_PROFESSIONAL = "too_many_pending_with_professional"
    reasons = {
        OVERALL: "the customer has as many requests waiting for an answer as allowed",
        WITH_PROFESSIONAL: "the customer has as many requests waiting for this professional's "
        "answer as allowed",
    }

    def __init__(self, reason: str, cap: int) -> None:
        whose = "" if reason == self.OVERALL else " with this professional"
        super().__init__(
            f"you have {cap} booking request(s) waiting for an answer{whose}, the most "
            "allowed; wait for an answer or cancel one first"
        )
        self.reason = reason
        self.cap = cap


class SlotUnavailable(Conflict):
    """The requested start cannot be booked now; ``reason`` says why (``too_soon``,
    ``beyond_horizon``, ``outside_hours`` or ``taken``)."""

    reasons: ClassVar[Mapping[str, str]]

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(_DETAILS[refusal])
        self.reason = refusal.value
        self.refusal = refusal

    @classmethod
    def taken(cls) -> SlotUnavailable:
        return cls(Refusal.TAKEN)


_DETAILS = {
    Refusal.TOO_SOON: "the start is sooner than the professional's minimum notice",
    Refusal.BEYOND_HORIZON: "the start is further ahead than the professional takes bookings",
    Refusal.OUTSIDE_HOURS: "the professional does not work at that time",
    Refusal.TAKEN: "the time is taken by another booking",
}
SlotUnavailable.reasons = {refusal.value: _DETAILS[refusal] for refusal in Refusal}
