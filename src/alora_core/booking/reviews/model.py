"""The review: a customer's rating (1 to 5) and comment on a completed booking, with at most one
public reply by the reviewed professional.

A booking has at most one review (the database's unique index decides races). The review keeps
the professional's id, so it stays theirs; ``booking_id`` and ``author_id`` become None when the
booking or the author's account is deleted, and the review stays, by a former customer, so the
professional's rating does not change behind their back.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from attrs import define, field

from alora_core.booking.reviews import events
from alora_core.booking.reviews.errors import AlreadyReplied, NoReply
from alora_core.shared.errors import FieldError, Invalid
from alora_core.shared.events import EventRecorder
from alora_core.shared.ids import new_id
from alora_core.shared.text import has_control_characters

MIN_RATING = 1
MAX_RATING = 5
MAX_COMMENT = 2000
MAX_REPLY = 2000


@define(slots=False, kw_only=True)
class Review(EventRecorder):
    professional_id: uuid.UUID
    booking_id: uuid.UUID | None
    author_id: uuid.UUID | None
    rating: int
    comment: str
    created_at: datetime
    updated_at: datetime
    reply: str | None = None
    replied_at: datetime | None = None
    id: uuid.UUID = field(factory=new_id)
    version: int = 1

    @classmethod
    def write(
        cls,
        *,
        booking_id: uuid.UUID,
        professional_id: uuid.UUID,
        author_id: uuid.UUID,
        rating: int,
        comment: str,
        now: datetime,
    ) -> Review:
        rating, comment = checked(rating, comment)
        review = cls(
            booking_id=booking_id,
            professional_id=professional_id,
            author_id=author_id,
            rating=rating,
            comment=comment,
            created_at=now,
            updated_at=now,
        )
        review.record(events.ReviewCreated(occurred_at=now, **review._facts()))
        return review

    def edit(self, *, rating: int | None, comment: str | None, now: datetime) -> bool:
        """Change the rating and/or the comment (None keeps it); False, and no event, when
        nothing changed."""
        new_rating, new_comment = checked(
            self.rating if rating is None else rating,
            self.comment if comment is None else comment,
        )
        if (new_rating, new_comment) == (self.rating, self.comment):
            return False
        self.rating, self.comment = new_rating, new_comment
        self.updated_at = now
        self.record(events.ReviewUpdated(occurred_at=now, **self._facts()))
        return True

    def post_reply(self, text: str, now: datetime) -> None:
        """The professional's reply; ``AlreadyReplied`` when there is one."""
        if self.reply is not None:
            raise AlreadyReplied()
        self._set_reply(text, now)

    def edit_reply(self, text: str, now: datetime) -> None:
        """Change the reply; ``NoReply`` when there is none. No event when the text stays."""
        if self.reply is None:
            raise NoReply()
        if checked_reply(text) != self.reply:
            self._set_reply(text, now)

    def delete(self, now: datetime) -> None:
        """Record the deletion; the repository removes the row."""
        self.record(events.ReviewDeleted(occurred_at=now, **self._facts()))

    def _set_reply(self, text: str, now: datetime) -> None:
        self.reply = checked_reply(text)
        self.replied_at = now
        self.updated_at = now
        self.record(events.ReviewReplied(occurred_at=now, **self._facts()))

    def _facts(self) -> dict[str, Any]:
        return {
            "review_id": self.id,
            "booking_id": self.booking_id,
            "professional_id": self.professional_id,
            "author_id": self.author_id,
            "rating": self.rating,
        }


# --- input rules ---------------------------------------------------------------------------------


def checked(rating: object, comment: object) -> tuple[int, str]:
    """The rating and the comment (trimmed) when they follow the rules; else ``Invalid``
    naming every bad field."""
    errors: list[FieldError] = []
    if (
        not isinstance(rating, int)
        or isinstance(rating, bool)
        or not MIN_RATING <= rating <= MAX_RATING
    ):
        errors.append(
            FieldError("rating", f"must be a whole number from {MIN_RATING} to {MAX_RATING}")
        )
    text, problem = _text(comment, MAX_COMMENT, required=False)
    if problem:
        errors.append(FieldError("comment", problem))
    if errors:
        raise Invalid("the review has invalid fields", errors)
    assert isinstance(rating, int)
    return rating, text


def checked_reply(text: object) -> str:
    reply, problem = _text(text, MAX_REPLY, required=True)
    if problem:
        raise Invalid.field("text", problem)
    return reply


def _text(value: object, limit: int, *, required: bool) -> tuple[str, str | None]:
    if not isinstance(value, str):
        return "", "must be text"
    text = value.strip()
    if required and not text:
        return "", "must not be empty"
    if len(text) > limit:
        return "", f"must have at most {limit} characters"
    if has_control_characters(text, "\n\t"):
        return "", "must not hold control characters"
    return text, None
