"""The admin dashboard's statistics (administrators only; others 403)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from msgspec import Meta

from alora_core.reports.commands import GetPlatformStatistics
from alora_core.reports.queries import Activity, ContentCounts, PlatformStatistics
from alora_core.reports.use_cases import MAX_RECENT, STATISTICS_DAYS
from alora_core.shared.actor import Actor
from entrypoints.bootstrap import Alora
from entrypoints.http.base import BEARER_SECURITY, problem_responses
from entrypoints.http.schemas import ResponseSchema

RecentCount = Annotated[
    int,
    QueryParameter(ge=0, le=MAX_RECENT, description="How many recent activities to list."),
]


class DayCountResponse(ResponseSchema):
    day: date
    count: int


class ActivityResponse(ResponseSchema):
    kind: Annotated[
        str,
        Meta(
            description="`user.registered`, `booking.requested`, `review.created`, "
            "`feedback.received` or `contact.received`."
        ),
    ]
    at: datetime
    subject_id: Annotated[uuid.UUID, Meta(description="The user, booking, review or message.")]
    summary: str

    @classmethod
    def of(cls, activity: Activity) -> ActivityResponse:
        return cls(
            kind=activity.kind.value,
            at=activity.at,
            subject_id=activity.subject_id,
            summary=activity.summary,
        )


class ContentCountsResponse(ResponseSchema):
    services: Annotated[int, Meta(description="In the catalog, deleted ones left out.")]
    active_services: int
    professionals: Annotated[int, Meta(description="Professional profiles.")]
    faqs: int
    feedback_by_status: dict[str, int]
    contact_messages_by_status: dict[str, int]
    files: int

    @classmethod
    def of(cls, counts: ContentCounts) -> ContentCountsResponse:
        return cls(
            services=counts.services,
            active_services=counts.active_services,
            professionals=counts.professionals,
            faqs=counts.faqs,
            feedback_by_status=counts.feedback_by_status,
            contact_messages_by_status=counts.contact_messages_by_status,
            files=counts.files,
        )


class StatisticsResponse(ResponseSchema):
    generated_at: datetime
    users_total: int
    users_by_role: Annotated[dict[str, int], Meta(description="Every role, zeros included.")]
    bookings_total: int
    bookings_by_status: Annotated[dict[str, int], Meta(description="Every status, zeros included.")]
    bookings_per_day: Annotated[
        list[DayCountResponse],
        Meta(
            description=f"Bookings requested on each of the last {STATISTICS_DAYS} UTC days, "
            "oldest first, today last."
        ),
    ]
    average_rating: Annotated[
        float | None, Meta(description="Mean of all review ratings, two decimals; null if none.")
    ]
    review_count: int
    content: ContentCountsResponse
    recent_activity: Annotated[list[ActivityResponse], Meta(description="Newest first.")]

    @classmethod
    def of(cls, stats: PlatformStatistics) -> StatisticsResponse:
        return cls(
            generated_at=stats.generated_at,
            users_total=stats.users_total,
            users_by_role=stats.users_by_role,
            bookings_total=stats.bookings_total,
            bookings_by_status=stats.bookings_by_status,
            bookings_per_day=[
                DayCountResponse(day=d.day, count=d.count) for d in stats.bookings_per_day
            ],
            average_rating=stats.average_rating,
            review_count=stats.review_count,
            content=ContentCountsResponse.of(stats.content),
            recent_activity=[ActivityResponse.of(a) for a in stats.recent_activity],
        )


class StatisticsController(Controller):
    path = "/api/v1/admin/stats"
    tags = ["admin"]
    security = BEARER_SECURITY

    @get(
        "/",
        summary="Platform statistics",
        description="Users by role; bookings by status and requested per day over the last "
        f"{STATISTICS_DAYS} days; the average rating; catalog and content counts; and the "
        "latest activity (registrations, bookings, reviews, feedback, contact messages). "
        "Counted at each request.",
        responses=problem_responses(401, 403, 422),
    )
    async def statistics(
        self, actor: NamedDependency[Actor], alora: NamedDependency[Alora], recent: RecentCount = 10
    ) -> StatisticsResponse:
        stats = await alora.bus.handle(GetPlatformStatistics(actor=actor, recent=recent))
        return StatisticsResponse.of(stats)
