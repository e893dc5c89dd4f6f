"""``/api/v1/reviews`` and ``POST /api/v1/bookings/{id}/review``.

Reviews are public. Writing one is for the customer of a completed booking; changing or deleting
it for its author or an administrator; the reply for the reviewed professional. Anyone else who
tries to change a review is told there is no such review (404), as for a booking that is not
theirs.
"""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from alora_core.booking.reviews import commands as c
from alora_core.shared.actor import Actor
from alora_core.shared.errors import Invalid
from alora_core.shared.ids import parse_id
from entrypoints.bootstrap import Alora
from entrypoints.http.base import BEARER_SECURITY, problem_responses
from entrypoints.http.booking.reviews_schemas import (
    BookingIdPath,
    ProfessionalFilter,
    ReplyRequest,
    ReviewChangeRequest,
    ReviewIdPath,
    ReviewPage,
    ReviewRequest,
    ReviewResponse,
)
from entrypoints.http.params import PageNumber, PageSize, path_id


class BookingReviewController(Controller):
    path = "/api/v1/bookings"
    tags = ["reviews"]
    security = BEARER_SECURITY

    @post(
        "/{booking_id:str}/review",
        status_code=HTTP_201_CREATED,
        summary="Review a completed booking",
        description="By the booking's customer, once the booking is completed, and only once: "
        "a second review of the booking is 409 (also when two race). Another user's booking "
        "is 404; the booking's professional and administrators get 403. The professional is "
        "notified (in the app, on the WebSocket, and by email when their "
        "`reviewNotifications` setting is on).",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def write_review(
        self,
        booking_id: BookingIdPath,
        data: JSONBody[ReviewRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ReviewResponse:
        view = await alora.bus.handle(
            c.WriteReview(
                actor=actor,
                booking_id=path_id(booking_id, "booking"),
                rating=data.rating,
                comment=data.comment,
            )
        )
        return ReviewResponse.of(view)


class ReviewsController(Controller):
    """Reading reviews needs no credentials; every change does."""

    path = "/api/v1/reviews"
    tags = ["reviews"]

    @get(
        "/",
        summary="Reviews, newest first",
        description="Public. All reviews, or one professional's (`professionalId`), in "
        "numbered pages with totals; each names its author by first name and last initial.",
        responses=problem_responses(422),
    )
    async def list_reviews(
        self,
        alora: NamedDependency[Alora],
        professional_id: ProfessionalFilter = None,
        page: PageNumber = 1,
        page_size: PageSize = 20,
    ) -> ReviewPage:
        wanted = None
        if professional_id is not None:
            wanted = parse_id(professional_id)
            if wanted is None:
                raise Invalid.field("professionalId", "must be a professional's id (UUID)")
        result = await alora.bus.handle(
            c.ListReviews(professional_id=wanted, page=page, page_size=page_size)
        )
        return ReviewPage.of(result)

    @get(
        "/{review_id:str}",
        summary="A review",
        description="Public.",
        responses=problem_responses(404),
    )
    async def get_review(
        self, review_id: ReviewIdPath, alora: NamedDependency[Alora]
    ) -> ReviewResponse:
        view = await alora.bus.handle(c.GetReview(review_id=path_id(review_id, "review")))
        return ReviewResponse.of(view)

    @patch(
        "/{review_id:str}",
        summary="Change a review's rating or comment",
        security=BEARER_SECURITY,
        description="By its author or an administrator (audited); anyone else gets 404. Only "
        "the fields present change; the professional's average follows at once.",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def edit_review(
        self,
        review_id: ReviewIdPath,
        data: JSONBody[ReviewChangeRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ReviewResponse:
        view = await alora.bus.handle(
            c.EditReview(
                actor=actor,
                review_id=path_id(review_id, "review"),
                **data.changes(),
            )
        )
        return ReviewResponse.of(view)

    @delete(
        "/{review_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a review",
        security=BEARER_SECURITY,
        description="By its author or an administrator (audited); anyone else gets 404.",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def delete_review(
        self, review_id: ReviewIdPath, actor: NamedDependency[Actor], alora: NamedDependency[Alora]
    ) -> None:
        await alora.bus.handle(
            c.DeleteReview(
                actor=actor,
                review_id=path_id(review_id, "review"),
            )
        )

    @post(
        "/{review_id:str}/reply",
        status_code=HTTP_201_CREATED,
        summary="Reply to a review",
        security=BEARER_SECURITY,
        description="The reviewed professional's one public reply; a second is 409 (change "
        "the first with PATCH). Anyone else gets 404.",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def reply(
        self,
        review_id: ReviewIdPath,
        data: JSONBody[ReplyRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ReviewResponse:
        view = await alora.bus.handle(
            c.ReplyToReview(actor=actor, review_id=path_id(review_id, "review"), text=data.text)
        )
        return ReviewResponse.of(view)

    @patch(
        "/{review_id:str}/reply",
        summary="Change the reply to a review",
        security=BEARER_SECURITY,
        description="By the reviewed professional; 409 while there is no reply. Anyone else "
        "gets 404.",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def edit_reply(
        self,
        review_id: ReviewIdPath,
        data: JSONBody[ReplyRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ReviewResponse:
        view = await alora.bus.handle(
            c.EditReply(actor=actor, review_id=path_id(review_id, "review"), text=data.text)
        )
        return ReviewResponse.of(view)


ROUTE_HANDLERS = [BookingReviewController, ReviewsController]
