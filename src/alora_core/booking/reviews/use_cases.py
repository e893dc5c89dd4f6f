"""Reviews' use cases: write, read, edit, delete and reply.

The professional's ``review_count`` and ``rating_total`` change in the transaction of every
review write, by a relative update (``count_in_rating``), so they always equal the count and
the sum of the professional's reviews. Reviews are public; changing one is for its author or an
administrator (the reply: the reviewed professional), and anyone else is told there is no such
review. Administrators' changes to others' reviews are audited.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from attrs import frozen

from alora_core.booking.bookings.model import BookingStatus
from alora_core.booking.reviews import commands as c
from alora_core.booking.reviews.errors import (
    AlreadyReviewed,
    BookingNotFound,
    NotCompleted,
    NotTheCustomer,
    ReviewNotFound,
)
from alora_core.booking.reviews.model import Review, checked
from alora_core.booking.reviews.ports import ReviewsUnitOfWork
from alora_core.booking.reviews.queries import ReviewView, public_name
from alora_core.shared.actor import Actor
from alora_core.shared.audit import AuditEntry
from alora_core.shared.clock import Clock
from alora_core.shared.errors import Conflict
from alora_core.shared.pagination import Page, PageRequest
from alora_core.shared.retry import retrying_on_stale

T = TypeVar("T")

# A write that meets a concurrent change of the same review (seen at commit) is tried again.


@frozen(kw_only=True)
class ReviewsDeps:
    clock: Clock


# --- writing -------------------------------------------------------------------------------------


async def write_review(cmd: c.WriteReview, uow: ReviewsUnitOfWork, deps: ReviewsDeps) -> ReviewView:
    """Review a completed booking, as its customer. Another user's booking is unknown (404);
    its professional and administrators may see it but not review it (403)."""
    author_id = cmd.actor.require_user_id()
    rating, comment = checked(cmd.rating, cmd.comment)
    async with uow:
        booking = await uow.bookings.get(cmd.booking_id)
        if booking is None:
            raise BookingNotFound()
        if booking.customer_id != author_id:
            if cmd.actor.is_admin or booking.professional_id == author_id:
                raise NotTheCustomer()
            raise BookingNotFound()
        if booking.status != BookingStatus.COMPLETED:
            raise NotCompleted()
        if await uow.reviews.of_booking(booking.id) is not None:
            raise AlreadyReviewed()
        review = Review.write(
            booking_id=booking.id,
            professional_id=booking.professional_id,
            author_id=author_id,
            rating=rating,
            comment=comment,
            now=deps.clock.now(),
        )
        try:
            await uow.reviews.count_in_rating(
                review.professional_id, reviews=1, rating=review.rating
            )
            await uow.reviews.add(review)
            view = await _view(uow, review)  # may write the review already (autoflush)
            await uow.commit()
        except Conflict as exc:
            if exc.field == "booking_id":  # a concurrent review of the same booking won
                raise AlreadyReviewed() from exc
            raise
    return view


async def edit_review(cmd: c.EditReview, uow: ReviewsUnitOfWork, deps: ReviewsDeps) -> ReviewView:
    async def attempt() -> ReviewView:
        async with uow:
            review = await _changeable(uow, cmd.review_id, cmd.actor)
            before = review.rating
            now = deps.clock.now()
            if review.edit(rating=cmd.rating, comment=cmd.comment, now=now):
                if review.rating != before:
                    await uow.reviews.count_in_rating(
                        review.professional_id, reviews=0, rating=review.rating - before
                    )
                await _audit(uow, cmd.actor, review, "review.update", now, {"rating_was": before})
                await uow.commit()
            return await _view(uow, review)

    return await retrying_on_stale(attempt)


async def delete_review(cmd: c.DeleteReview, uow: ReviewsUnitOfWork, deps: ReviewsDeps) -> None:
    async def attempt() -> None:
        async with uow:
            review = await _changeable(uow, cmd.review_id, cmd.actor)
            now = deps.clock.now()
            review.delete(now)
            await uow.reviews.count_in_rating(
                review.professional_id, reviews=-1, rating=-review.rating
            )
            await uow.reviews.delete(review)
            await _audit(uow, cmd.actor, review, "review.delete", now, {})
            await uow.commit()

    await retrying_on_stale(attempt)


async def reply_to_review(
    cmd: c.ReplyToReview, uow: ReviewsUnitOfWork, deps: ReviewsDeps
) -> ReviewView:
    """The reviewed professional's reply, once (``AlreadyReplied`` after that)."""

    async def attempt() -> ReviewView:
        async with uow:
            review = await _reviewed_by(uow, cmd.review_id, cmd.actor.require_user_id())
            review.post_reply(cmd.text, deps.clock.now())
            await uow.commit()
            return await _view(uow, review)

    return await retrying_on_stale(attempt)


async def edit_reply(cmd: c.EditReply, uow: ReviewsUnitOfWork, deps: ReviewsDeps) -> ReviewView:
    async def attempt() -> ReviewView:
        async with uow:
            review = await _reviewed_by(uow, cmd.review_id, cmd.actor.require_user_id())
            review.edit_reply(cmd.text, deps.clock.now())
            await uow.commit()
            return await _view(uow, review)

    return await retrying_on_stale(attempt)


# --- reading -------------------------------------------------------------------------------------


async def list_reviews(
    cmd: c.ListReviews, uow: ReviewsUnitOfWork, deps: ReviewsDeps
) -> Page[ReviewView]:
    page = PageRequest(cmd.page, cmd.page_size)
    async with uow.reading():
        return await uow.reviews.page(cmd.professional_id, page)


async def get_review(cmd: c.GetReview, uow: ReviewsUnitOfWork, deps: ReviewsDeps) -> ReviewView:
    async with uow.reading():
        view = await uow.reviews.view(cmd.review_id)
    if view is None:
        raise ReviewNotFound()
    return view


# --- helpers -------------------------------------------------------------------------------------


async def _changeable(uow: ReviewsUnitOfWork, review_id: uuid.UUID, actor: Actor) -> Review:
    """The review, locked, when the actor is its author or an administrator; else, as for a
    review that does not exist, ``ReviewNotFound``."""
    review = await uow.reviews.get_for_update(review_id)
    if review is None or not (actor.is_admin or review.author_id == actor.user_id):
        raise ReviewNotFound()
    return review


async def _reviewed_by(
    uow: ReviewsUnitOfWork, review_id: uuid.UUID, professional_id: uuid.UUID
) -> Review:
    review = await uow.reviews.get_for_update(review_id)
    if review is None or review.professional_id != professional_id:
        raise ReviewNotFound()
    return review


async def _view(uow: ReviewsUnitOfWork, review: Review) -> ReviewView:
    name = await uow.reviews.author_name(review.author_id)
    return ReviewView(review=review, author_name=None if name is None else public_name(name))


async def _audit(
    uow: ReviewsUnitOfWork,
    actor: Actor,
    review: Review,
    action: str,
    now: Any,
    details: dict[str, Any],
) -> None:
    """An administrator's change to another user's review goes to the audit log."""
    if review.author_id == actor.user_id:
        return
    await uow.audit_log.add(
        AuditEntry(
            actor_id=actor.require_user_id(),
            action=action,
            target_type="review",
            target_id=str(review.id),
            occurred_at=now,
            details={
                "professional_id": str(review.professional_id),
                "author_id": None if review.author_id is None else str(review.author_id),
                "rating": review.rating,
                **details,
            },
        )
    )


# --- wiring --------------------------------------------------------------------------------------

USE_CASES: dict[type, Callable[..., Any]] = {
    c.WriteReview: write_review,
    c.ListReviews: list_reviews,
    c.GetReview: get_review,
    c.EditReview: edit_review,
    c.DeleteReview: delete_review,
    c.ReplyToReview: reply_to_review,
    c.EditReply: edit_reply,
}


def command_handlers(deps: ReviewsDeps) -> dict[type, Callable[..., Any]]:
    """Each reviews command bound to its use case and the context's dependencies."""
    return {command: partial(use_case, deps=deps) for command, use_case in USE_CASES.items()}
