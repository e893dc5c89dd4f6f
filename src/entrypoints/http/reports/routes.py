"""The admin dashboard's statistics (administrators only; others 403).

The response is composed of every module's section (``ContextModule.statistics``, a
``SectionShape``): its fields at the top, its counts inside ``content``.
"""

# No ``from __future__ import annotations``: the handler's return type is made in
# ``route_handlers`` and must be a real object when Litestar reads the signature.

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.types import ControllerRouterHandler
from msgspec import Meta

from alora_core.reports.commands import GetPlatformStatistics
from alora_core.reports.use_cases import MAX_RECENT, STATISTICS_DAYS
from alora_core.shared.actor import Actor
from alora_core.shared.statistics import Activity
from entrypoints.bootstrap import Alora
from entrypoints.http.base import BEARER_SECURITY, problem_responses
from entrypoints.http.schemas import ResponseSchema
from entrypoints.http.statistics import SectionShape
from entrypoints.modules.base import ContextModule, resolve

RecentCount = Annotated[
    int,
    QueryParameter(ge=0, le=MAX_RECENT, description="How many recent activities to list."),
]


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
    def of(cls, activity: Activity) -> "ActivityResponse":
        return cls(
            kind=activity.kind,
            at=activity.at,
            subject_id=activity.subject_id,
            summary=activity.summary,
        )


def route_handlers(modules: Sequence[ContextModule]) -> list[ControllerRouterHandler]:
    """The statistics route, its response composed of ``modules``' sections."""
    shapes: dict[str, SectionShape] = {
        module.name: resolve(module.statistics) for module in modules if module.statistics
    }
    counts_type = msgspec.defstruct(
        "ContentCountsResponse",
        [count for shape in shapes.values() for count in shape.counts],
        bases=(ResponseSchema,),
        module=__name__,
    )
    counted = {name for shape in shapes.values() for name, _ in shape.counts}
    response_type = msgspec.defstruct(
        "StatisticsResponse",
        [
            ("generated_at", datetime),
            *(field for shape in shapes.values() for field in shape.fields),
            ("content", counts_type),
            (
                "recent_activity",
                Annotated[list[ActivityResponse], Meta(description="Newest first.")],
            ),
        ],
        bases=(ResponseSchema,),
        module=__name__,
    )

    class StatisticsController(Controller):
        path = "/api/v1/admin/stats"
        tags = ["admin"]
        security = BEARER_SECURITY

        @get(
            "/",
            summary="Platform statistics",
            description="Users by role; bookings by status and requested per day over the "
            f"last {STATISTICS_DAYS} days; the average rating; catalog and content counts; and "
            "the latest activity (registrations, bookings, reviews, feedback, contact "
            "messages). Counted at each request.",
            responses=problem_responses(401, 403, 422),
        )
        async def statistics(
            self,
            actor: NamedDependency[Actor],
            alora: NamedDependency[Alora],
            recent: RecentCount = 10,
        ) -> response_type:  # type: ignore[valid-type]
            stats = await alora.bus.handle(GetPlatformStatistics(actor=actor, recent=recent))
            values: dict[str, Any] = {}
            for name, shape in shapes.items():
                values.update(shape.values(stats.sections[name]))
            counts = {name: value for name, value in values.items() if name in counted}
            return response_type(
                generated_at=stats.generated_at,
                **{name: value for name, value in values.items() if name not in counted},
                content=counts_type(**counts),
                recent_activity=[ActivityResponse.of(a) for a in stats.recent_activity],
            )

    return [StatisticsController]
