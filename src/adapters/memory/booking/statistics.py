"""The booking context's section of the admin statistics, counted in memory."""

from __future__ import annotations

from collections import Counter
from datetime import UTC
from typing import TYPE_CHECKING, Any

from alora_core.booking.bookings.model import Booking, BookingStatus
from alora_core.booking.reviews.model import Review
from alora_core.booking.statistics import BookingFigures, booking_requested, review_created
from alora_core.shared.statistics import StatisticsWindow, newest, zero_filled

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork


class MemoryBookingStatistics:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def _all(self, table: str) -> list[Any]:
        return list(self._uow.scan(table, lambda _: True))

    async def collect(self, window: StatisticsWindow) -> BookingFigures:
        bookings: list[Booking] = self._all("bookings")
        reviews: list[Review] = self._all("reviews")
        services = [s for s in self._all("services") if not s.deleted]
        per_day = Counter(
            b.created_at.astimezone(UTC).date() for b in bookings if b.created_at >= window.since
        )
        return BookingFigures(
            bookings_by_status=zero_filled(
                (s.value for s in BookingStatus), Counter(b.status.value for b in bookings)
            ),
            bookings_per_day=window.per_day(per_day),
            review_count=len(reviews),
            rating_total=sum(r.rating for r in reviews),
            services=len(services),
            active_services=sum(1 for s in services if s.active),
            professionals=len(self._all("professional_profiles")),
            recent=newest(
                [
                    *(booking_requested(b.id, b.created_at, b.start) for b in bookings),
                    *(review_created(r.id, r.created_at, r.rating) for r in reviews),
                ],
                window.recent,
            ),
        )
