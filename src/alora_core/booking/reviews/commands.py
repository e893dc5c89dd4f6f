"""Reviews' commands. The acting user comes as an id and an admin flag, filled in by the entry
point from the authenticated caller."""

from __future__ import annotations

import uuid

from attrs import frozen


@frozen(kw_only=True)
class WriteReview:
    """The customer of a completed booking rates it, once. ``rating`` is 1 to 5; the comment
    may be empty."""

    actor_id: uuid.UUID
    actor_is_admin: bool
    booking_id: uuid.UUID
    rating: int
    comment: str = ""


@frozen(kw_only=True)
class ListReviews:
    """Newest first; all reviews, or one professional's."""

    professional_id: uuid.UUID | None = None
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class GetReview:
    review_id: uuid.UUID


@frozen(kw_only=True)
class EditReview:
    """By the author or an administrator; None keeps a field as it is."""

    actor_id: uuid.UUID
    actor_is_admin: bool
    review_id: uuid.UUID
    rating: int | None = None
    comment: str | None = None


@frozen(kw_only=True)
class DeleteReview:
    """By the author or an administrator."""

    actor_id: uuid.UUID
    actor_is_admin: bool
    review_id: uuid.UUID


@frozen(kw_only=True)
class ReplyToReview:
    """The reviewed professional's public reply, once."""

    actor_id: uuid.UUID
    review_id: uuid.UUID
    text: str


@frozen(kw_only=True)
class EditReply:
    """The reviewed professional changes their reply."""

    actor_id: uuid.UUID
    review_id: uuid.UUID
    text: str
