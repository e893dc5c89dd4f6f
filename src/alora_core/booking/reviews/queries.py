"""What review lists show: the review and its author's public name."""

from __future__ import annotations

from attrs import frozen

from alora_core.booking.reviews.model import Review


@frozen(kw_only=True)
class ReviewView:
    review: Review
    author_name: str | None
    """The author's public name (``public_name``); None once their account is deleted."""


def public_name(full_name: str) -> str:
    """How reviews name their author: the first name and the initial of the last one
    (``"Ana María Pérez"`` -> ``"Ana P."``), so a review does not publish a customer's full
    name."""
    words = full_name.split()
    if not words:
        return "A customer"
    if len(words) == 1:
        return words[0]
    return f"{words[0]} {words[-1][0]}."
