"""The booking context's section of the admin statistics: bookings by status and per day,
reviews, the catalog and the directory, and the latest bookings and reviews."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from attrs import frozen

from alora_core.shared.statistics import Activity, DayCount, StatisticsWindow


@frozen(kw_only=True)
class BookingFigures:
    bookings_by_status: dict[str, int]
    """Every status, zeros included."""
    bookings_per_day: list[DayCount]
    """Bookings requested on each day of the window."""
    review_count: int
    rating_total: int
    services: int
    """Services in the catalog, deleted ones left out."""
    active_services: int
    professionals: int
    """Professional profiles."""
    recent: Sequence[Activity]

    @property
    def bookings_total(self) -> int:
        return sum(self.bookings_by_status.values())

    @property
    def average_rating(self) -> float | None:
        """The mean of all review ratings, to two decimals; None without reviews."""
        return round(self.rating_total / self.review_count, 2) if self.review_count else None


def booking_requested(booking_id: uuid.UUID, at: datetime, start: datetime) -> Activity:
    return Activity(
        kind="booking.requested",
        at=at,
        subject_id=booking_id,
        summary=f"booking for {start:%Y-%m-%d %H:%M} UTC",
    )


def review_created(review_id: uuid.UUID, at: datetime, rating: int) -> Activity:
    return Activity(
        kind="review.created", at=at, subject_id=review_id, summary=f"{rating} of 5 stars"
    )


class BookingStatistics(Protocol):
    async def collect(self, window: StatisticsWindow) -> BookingFigures: ...
