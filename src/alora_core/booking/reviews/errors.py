"""Reviews' errors."""

from __future__ import annotations

from alora_core.shared.errors import Conflict, Forbidden, NotFound


class ReviewNotFound(NotFound):
    """No such review, or one the caller may not change (another user's)."""

    def __init__(self) -> None:
        super().__init__("no such review")


class BookingNotFound(NotFound):
    """No such booking, or one the caller has no part in."""

    def __init__(self) -> None:
        super().__init__("no such booking")


class NotTheCustomer(Forbidden):
    """The booking's professional or an administrator asked to review it."""

    def __init__(self) -> None:
        super().__init__("only the booking's customer may review it")


class NotCompleted(Conflict):
    def __init__(self) -> None:
        super().__init__("only a completed booking can be reviewed")


class AlreadyReviewed(Conflict):
    def __init__(self) -> None:
        super().__init__("this booking has a review already; edit that one", field="booking_id")


class AlreadyReplied(Conflict):
    def __init__(self) -> None:
        super().__init__("the review has a reply already; edit that one", field="reply")


class NoReply(Conflict):
    def __init__(self) -> None:
        super().__init__("the review has no reply yet; post one first", field="reply")
