"""Reviews' events. Each names the review, its booking, the reviewed professional, the author
and the rating after the change; ``booking_id`` and ``author_id`` are None once the booking or
the author's account is gone (the review outlives them)."""

from __future__ import annotations

import uuid
from typing import ClassVar

from attrs import frozen

from alora_core.shared.events import DomainEvent


@frozen(kw_only=True)
class ReviewCreated(DomainEvent):
    name: ClassVar[str] = "review.created"
    review_id: uuid.UUID
    booking_id: uuid.UUID | None
    professional_id: uuid.UUID
    author_id: uuid.UUID | None
    rating: int


@frozen(kw_only=True)
class ReviewUpdated(DomainEvent):
    """The rating or the comment changed."""

    name: ClassVar[str] = "review.updated"
    review_id: uuid.UUID
    booking_id: uuid.UUID | None
    professional_id: uuid.UUID
    author_id: uuid.UUID | None
    rating: int


@frozen(kw_only=True)
class ReviewDeleted(DomainEvent):
    name: ClassVar[str] = "review.deleted"
    review_id: uuid.UUID
    booking_id: uuid.UUID | None
    professional_id: uuid.UUID
    author_id: uuid.UUID | None
    rating: int


@frozen(kw_only=True)
class ReviewReplied(DomainEvent):
    """The professional posted their reply, or changed it."""

    name: ClassVar[str] = "review.replied"
    review_id: uuid.UUID
    booking_id: uuid.UUID | None
    professional_id: uuid.UUID
    author_id: uuid.UUID | None
    rating: int
