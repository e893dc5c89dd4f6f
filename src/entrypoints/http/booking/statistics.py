"""The booking context's section of ``GET /api/v1/admin/stats``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from msgspec import Meta

from alora_core.booking.statistics import BookingFigures
from alora_core.reports.use_cases import STATISTICS_DAYS
from entrypoints.http.schemas import ResponseSchema
from entrypoints.http.statistics import SectionShape


class DayCountResponse(ResponseSchema):
    day: date
    count: int


def _values(section: BookingFigures) -> dict[str, Any]:
    return {
        "bookings_total": section.bookings_total,
        "bookings_by_status": section.bookings_by_status,
        "bookings_per_day": [
            DayCountResponse(day=d.day, count=d.count) for d in section.bookings_per_day
        ],
        "average_rating": section.average_rating,
        "review_count": section.review_count,
        "services": section.services,
        "active_services": section.active_services,
        "professionals": section.professionals,
    }


SHAPE = SectionShape(
    values=_values,
    fields=(
        ("bookings_total", int),
        (
            "bookings_by_status",
            Annotated[dict[str, int], Meta(description="Every status, zeros included.")],
        ),
        (
            "bookings_per_day",
            Annotated[
                list[DayCountResponse],
                Meta(
                    description=f"Bookings requested on each of the last {STATISTICS_DAYS} UTC "
                    "days, oldest first, today last."
                ),
            ],
        ),
        (
            "average_rating",
            Annotated[
                float | None,
                Meta(description="Mean of all review ratings, two decimals; null if none."),
            ],
        ),
        ("review_count", int),
    ),
    counts=(
        ("services", Annotated[int, Meta(description="In the catalog, deleted ones left out.")]),
        ("active_services", int),
        ("professionals", Annotated[int, Meta(description="Professional profiles.")]),
    ),
)
