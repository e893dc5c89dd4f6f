"""Bookings' request and response bodies and query parameters: camelCase on the wire."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from litestar.params import PathParameter, QueryParameter
from msgspec import Meta

from alora_core.booking.bookings.commands import ListedRole
from alora_core.booking.bookings.model import Action, Booking, BookingStatus, Party, StatusChange
from alora_core.booking.bookings.use_cases import MAX_ADDRESS, MAX_NOTES, MAX_REASON
from alora_core.booking.professionals.availability import (
    DURATION_STEP_MINUTES,
    MAX_DURATION_MINUTES,
    MIN_DURATION_MINUTES,
)
from alora_core.shared.pagination import Page
from entrypoints.http import examples
from entrypoints.http.booking.professionals_schemas import MoneyResponse
from entrypoints.http.schemas import PageTotals, RequestSchema, ResponseSchema, page_totals

BookingIdPath = Annotated[
    str,
    PathParameter(
        format="uuid",
        description="The booking's id, a UUID; anything else answers 404, as does a booking "
        "the caller has no part in.",
    ),
]
RoleFilter = Annotated[
    ListedRole,
    QueryParameter(
        description="`customer`: bookings the caller made; `professional`: bookings of the "
        "caller's time; `any` (default): both; `all`: everyone's (administrators only)."
    ),
]
StatusFilter = Annotated[BookingStatus | None, QueryParameter(description="Only this status.")]
StartFrom = Annotated[
    datetime | None,
    QueryParameter(
        name="from",
        description="Only bookings starting at or after this time (ISO 8601 with an offset).",
    ),
]
StartTo = Annotated[
    datetime | None,
    QueryParameter(
        name="to", description="Only bookings starting before this time (ISO 8601 with an offset)."
    ),
]

AwareTime = Annotated[
    datetime,
    Meta(
        tz=True,
        description="ISO 8601 with an offset, e.g. `2030-01-15T09:00:00Z`.",
        examples=["2030-01-15T09:00:00Z"],
    ),
]


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


class BookingRequest(RequestSchema):
    example = examples.BOOKING
    professional_id: uuid.UUID
    service_id: uuid.UUID
    start: AwareTime
    duration_minutes: Annotated[
        int,
        Meta(
            ge=MIN_DURATION_MINUTES,
            le=MAX_DURATION_MINUTES,
            multiple_of=DURATION_STEP_MINUTES,
            description="How long the work takes, in minutes.",
        ),
    ]
    address: Annotated[
        str, Meta(min_length=1, max_length=MAX_ADDRESS, description="Where the work is done.")
    ]
    notes: Annotated[str, Meta(max_length=MAX_NOTES)] = ""


class ReasonRequest(RequestSchema):
    example = examples.REASON
    reason: Annotated[str, Meta(min_length=1, max_length=MAX_REASON)]


class RescheduleRequest(RequestSchema):
    example = examples.RESCHEDULE
    start: AwareTime


class StatusChangeResponse(ResponseSchema):
    at: datetime
    actor_id: Annotated[uuid.UUID | None, Meta(description="Null when the system acted.")]
    party: Party
    action: Action
    from_status: Annotated[
        BookingStatus | None, Meta(description="Null for the request that made the booking.")
    ]
    to_status: BookingStatus
    reason: str | None
    late: Annotated[bool, Meta(description="A cancellation within 24 h of the start.")]
    previous_start: Annotated[datetime | None, Meta(description="Set on a reschedule.")]

    @classmethod
    def of(cls, change: StatusChange) -> StatusChangeResponse:
        return cls(
            at=utc(change.at),
            actor_id=change.actor_id,
            party=change.party,
            action=change.action,
            from_status=change.from_status,
            to_status=change.to_status,
            reason=change.reason,
            late=change.late,
            previous_start=None if change.previous_start is None else utc(change.previous_start),
        )


class BookingResponse(ResponseSchema):
    id: uuid.UUID
    customer_id: uuid.UUID
    professional_id: uuid.UUID
    service_id: uuid.UUID
    status: BookingStatus
    start: datetime
    end: datetime
    blocked_until: Annotated[
        datetime, Meta(description="The end plus the professional's buffer: held until then.")
    ]
    duration_minutes: int
    address: str
    notes: str
    price: Annotated[
        MoneyResponse | None,
        Meta(description="The hourly rate times the duration; null without a rate."),
    ]
    cancelled_late: bool
    created_at: datetime
    updated_at: datetime
    history: Annotated[list[StatusChangeResponse], Meta(description="Oldest first.")]

    @classmethod
    def of(cls, booking: Booking) -> BookingResponse:
        price = booking.price
        return cls(
            id=booking.id,
            customer_id=booking.customer_id,
            professional_id=booking.professional_id,
            service_id=booking.service_id,
            status=booking.status,
            start=utc(booking.start),
            end=utc(booking.end),
            blocked_until=utc(booking.blocked_until),
            duration_minutes=int(booking.duration.total_seconds()) // 60,
            address=booking.address,
            notes=booking.notes,
            price=MoneyResponse.of(price),
            cancelled_late=booking.cancelled_late,
            created_at=utc(booking.created_at),
            updated_at=utc(booking.updated_at),
            history=[StatusChangeResponse.of(change) for change in booking.history],
        )


class BookingPage(PageTotals):
    items: list[BookingResponse]

    @classmethod
    def of(cls, page: Page[Booking]) -> BookingPage:
        return cls(items=[BookingResponse.of(b) for b in page.items], **page_totals(page))
