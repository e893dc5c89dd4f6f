"""The booking context's section of the admin statistics, counted in SQL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from adapters.sqlalchemy.booking.bookings import bookings_table
from adapters.sqlalchemy.booking.professionals import professional_profiles_table
from adapters.sqlalchemy.booking.reviews import reviews_table
from adapters.sqlalchemy.booking.services import services_table
from adapters.sqlalchemy.counting import count_by, count_per_day, count_rows, latest
from alora_core.booking.bookings.model import BookingStatus
from alora_core.booking.statistics import BookingFigures, booking_requested, review_created
from alora_core.shared.statistics import StatisticsWindow, newest

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

_b, _r, _s = bookings_table.c, reviews_table.c, services_table.c


class SqlBookingStatistics:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def collect(self, window: StatisticsWindow) -> BookingFigures:
        uow = self._uow
        reviews: Any = (await uow.execute(select(func.count(), func.sum(_r.rating)))).one()
        live = _s.deleted_at.is_(None)
        recent = [
            *(
                booking_requested(*row)
                for row in await latest(uow, window.recent, _b.id, _b.created_at, _b.start_at)
            ),
            *(
                review_created(*row)
                for row in await latest(uow, window.recent, _r.id, _r.created_at, _r.rating)
            ),
        ]
        return BookingFigures(
            bookings_by_status=await count_by(uow, _b.status, [s.value for s in BookingStatus]),
            bookings_per_day=window.per_day(await count_per_day(uow, _b.created_at, window.since)),
            review_count=int(reviews[0]),
            rating_total=int(reviews[1] or 0),
            services=await count_rows(uow, services_table, live),
            active_services=await count_rows(uow, services_table, live, _s.active.is_(True)),
            professionals=await count_rows(uow, professional_profiles_table),
            recent=newest(recent, window.recent),
        )
