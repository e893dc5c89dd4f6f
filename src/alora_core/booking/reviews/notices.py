"""The professional hears of each new review, by email as their review setting allows (the
notifications context delivers it)."""

from __future__ import annotations

from alora_core.booking.reviews.events import ReviewCreated
from alora_core.shared.notices import Notice, NoticeRule, NotificationType


def review_notice(event: ReviewCreated) -> Notice:
    return Notice(
        recipient_id=event.professional_id,
        type=NotificationType.INFO,
        title=f"New review: {event.rating} of 5 stars",
        body="A customer reviewed your work. Read it, and reply if you like.",
        link=f"/reviews/{event.review_id}",
        data={
            "kind": event.name,
            "reviewId": str(event.review_id),
            "bookingId": None if event.booking_id is None else str(event.booking_id),
            "rating": event.rating,
        },
        email_kind="review",
    )


def notice_rules() -> list[NoticeRule]:
    return [NoticeRule(ReviewCreated, "notifications.review_created", review_notice)]
