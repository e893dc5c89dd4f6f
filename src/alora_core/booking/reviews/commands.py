"""Reviews' commands. Anyone reads reviews; ``actor`` is who writes, edits or replies."""

from __future__ import annotations

import uuid

from attrs import frozen

from alora_core.booking.reviews.queries import ReviewView
from alora_core.shared.actor import Actor
from alora_core.shared.commands import Command
from alora_core.shared.pagination import Page


@frozen(kw_only=True)
class WriteReview(Command[ReviewView]):
    """The customer of a completed booking rates it, once. ``rating`` is 1 to 5; the comment
    may be empty."""

    actor: Actor
    booking_id: uuid.UUID
    rating: int
    comment: str = ""


@frozen(kw_only=True)
class ListReviews(Command[Page[ReviewView]]):
    """Newest first; all reviews, or one professional's."""

    professional_id: uuid.UUID | None = None
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class GetReview(Command[ReviewView]):
    review_id: uuid.UUID


@frozen(kw_only=True)
class EditReview(Command[ReviewView]):
    """By the author or an administrator; None keeps a field as it is."""

    actor: Actor
    review_id: uuid.UUID
    rating: int | None = None
    comment: str | None = None


@frozen(kw_only=True)
class DeleteReview(Command[None]):
    """By the author or an administrator."""

    actor: Actor
    review_id: uuid.UUID


@frozen(kw_only=True)
class ReplyToReview(Command[ReviewView]):
    """The reviewed professional's public reply, once."""

    actor: Actor
    review_id: uuid.UUID
    text: str


@frozen(kw_only=True)
class EditReply(Command[ReviewView]):
    """The reviewed professional changes their reply."""

    actor: Actor
    review_id: uuid.UUID
    text: str
