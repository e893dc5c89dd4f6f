"""Platform statistics for administrators: the read side over every context's tables.

The adapters count straight from the tables (a handful of grouped queries); this context only
shapes the figures. It knows no other context, so the adapters name every role and status,
with zero counts included.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Protocol

from attrs import frozen


class ActivityKind(enum.StrEnum):
    USER_REGISTERED = "user.registered"
    BOOKING_REQUESTED = "booking.requested"
    REVIEW_CREATED = "review.created"
    FEEDBACK_RECEIVED = "feedback.received"
    CONTACT_RECEIVED = "contact.received"


@frozen(kw_only=True)
class Activity:
    """Something that happened recently, for the admin dashboard's feed."""

    kind: ActivityKind
    at: datetime
    subject_id: uuid.UUID
    """The id of the user, booking, review, feedback or contact message."""
    summary: str


def user_registered(user_id: uuid.UUID, at: datetime, username: str, role: str) -> Activity:
    return Activity(
        kind=ActivityKind.USER_REGISTERED, at=at, subject_id=user_id, summary=f"{username} ({role})"
    )


def booking_requested(booking_id: uuid.UUID, at: datetime, start: datetime) -> Activity:
    return Activity(
        kind=ActivityKind.BOOKING_REQUESTED,
        at=at,
        subject_id=booking_id,
        summary=f"booking for {start:%Y-%m-%d %H:%M} UTC",
    )


def review_created(review_id: uuid.UUID, at: datetime, rating: int) -> Activity:
    return Activity(
        kind=ActivityKind.REVIEW_CREATED,
        at=at,
        subject_id=review_id,
        summary=f"{rating} of 5 stars",
    )


def feedback_received(feedback_id: uuid.UUID, at: datetime, subject: str) -> Activity:
    return Activity(
        kind=ActivityKind.FEEDBACK_RECEIVED, at=at, subject_id=feedback_id, summary=subject
    )


def contact_received(message_id: uuid.UUID, at: datetime, subject: str) -> Activity:
    return Activity(
        kind=ActivityKind.CONTACT_RECEIVED, at=at, subject_id=message_id, summary=subject
    )


def newest(activities: list[Activity], limit: int) -> list[Activity]:
    """The ``limit`` latest of ``activities``, newest first."""
    return sorted(activities, key=lambda a: (a.at, a.subject_id), reverse=True)[:limit]


@frozen(kw_only=True)
class ContentCounts:
    services: int
    """Services in the catalog (deleted ones left out)."""
    active_services: int
    professionals: int
    """Professional profiles."""
    faqs: int
    feedback_by_status: dict[str, int]
    contact_messages_by_status: dict[str, int]
    files: int


@frozen(kw_only=True)
class PlatformFigures:
    """What ``PlatformFigureSource.collect`` counts."""

    users_by_role: dict[str, int]
    bookings_by_status: dict[str, int]
    bookings_by_day: dict[date, int]
    """Bookings requested on each UTC day since ``since``; days without any left out."""
    review_count: int
    rating_total: int
    content: ContentCounts
    recent: list[Activity]
    """The latest activity of every kind, newest first."""


class PlatformFigureSource(Protocol):
    async def collect(self, since: datetime, recent: int) -> PlatformFigures:
        """Count everything now; bookings per day from ``since`` on; the ``recent`` latest
        activities."""
        ...


@frozen(kw_only=True)
class DayCount:
    day: date
    count: int


@frozen(kw_only=True)
class PlatformStatistics:
    generated_at: datetime
    users_by_role: dict[str, int]
    """Every role, with zero counts."""
    bookings_by_status: dict[str, int]
    """Every status, with zero counts."""
    bookings_per_day: list[DayCount]
    """Bookings requested on each of the last ``STATISTICS_DAYS`` UTC days, today last."""
    average_rating: float | None
    """The mean of all review ratings, to two decimals; None without reviews."""
    review_count: int
    content: ContentCounts
    recent_activity: list[Activity]

    @property
    def users_total(self) -> int:
        return sum(self.users_by_role.values())

    @property
    def bookings_total(self) -> int:
        return sum(self.bookings_by_status.values())
