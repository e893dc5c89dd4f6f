"""Reviews' request and response bodies and parameters: camelCase on the wire."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from litestar.params import PathParameter, QueryParameter
from msgspec import UNSET, Meta, UnsetType

from alora_core.booking.reviews.model import MAX_COMMENT, MAX_RATING, MAX_REPLY, MIN_RATING
from alora_core.booking.reviews.queries import ReviewView
from alora_core.shared.pagination import Page
from entrypoints.http import examples
from entrypoints.http.schemas import PageTotals, RequestSchema, ResponseSchema, page_totals

ReviewIdPath = Annotated[
    str,
    PathParameter(format="uuid", description="The review's id, a UUID; anything else answers 404."),
]
BookingIdPath = Annotated[
    str,
    PathParameter(
        format="uuid",
        description="The booking's id, a UUID; anything else answers 404, as does another "
        "user's booking.",
    ),
]
ProfessionalFilter = Annotated[
    str | None,
    QueryParameter(
        name="professionalId",
        max_length=64,
        format="uuid",
        description="Only the reviews of this professional (a UUID).",
    ),
]

Rating = Annotated[
    int,
    Meta(
        ge=MIN_RATING,
        le=MAX_RATING,
        description=f"A whole number of stars, {MIN_RATING} to {MAX_RATING}.",
        examples=[5],
    ),
]
Comment = Annotated[
    str,
    Meta(
        max_length=MAX_COMMENT,
        description=f"Up to {MAX_COMMENT} characters; may be empty.",
        examples=["On time, tidy and friendly. The tap has not dripped since."],
    ),
]
ReplyText = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=MAX_REPLY,
        description=f"1 to {MAX_REPLY} characters.",
        examples=["Thank you, it was a pleasure!"],
    ),
]


class ReviewRequest(RequestSchema):
    example = examples.REVIEW
    rating: Rating
    comment: Comment = ""


class ReviewChangeRequest(RequestSchema):
    """Only the fields present change."""

    example = examples.REVIEW_CHANGE
    rating: Rating | UnsetType = UNSET
    comment: Comment | UnsetType = UNSET

    def changes(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in (("rating", self.rating), ("comment", self.comment))
            if value is not UNSET
        }


class ReplyRequest(RequestSchema):
    example = examples.REPLY
    text: ReplyText


class ReplyResponse(ResponseSchema):
    text: str
    replied_at: datetime


class ReviewResponse(ResponseSchema):
    id: uuid.UUID
    booking_id: Annotated[uuid.UUID | None, Meta(description="Null once the booking is deleted.")]
    professional_id: uuid.UUID
    author_id: Annotated[
        uuid.UUID | None, Meta(description="Null once the author's account is deleted.")
    ]
    author_name: Annotated[
        str | None,
        Meta(
            description="The author's first name and last initial; null once their account "
            "is deleted.",
            examples=["Ana P."],
        ),
    ]
    rating: int
    comment: str
    reply: Annotated[
        ReplyResponse | None, Meta(description="The professional's public reply, if any.")
    ]
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def of(cls, view: ReviewView) -> ReviewResponse:
        review = view.review
        reply = None
        if review.reply is not None and review.replied_at is not None:
            reply = ReplyResponse(text=review.reply, replied_at=review.replied_at.astimezone(UTC))
        return cls(
            id=review.id,
            booking_id=review.booking_id,
            professional_id=review.professional_id,
            author_id=review.author_id,
            author_name=view.author_name,
            rating=review.rating,
            comment=review.comment,
            reply=reply,
            created_at=review.created_at.astimezone(UTC),
            updated_at=review.updated_at.astimezone(UTC),
            version=review.version,
        )


class ReviewPage(PageTotals):
    items: list[ReviewResponse]

    @classmethod
    def of(cls, page: Page[ReviewView]) -> ReviewPage:
        return cls(items=[ReviewResponse.of(view) for view in page.items], **page_totals(page))
