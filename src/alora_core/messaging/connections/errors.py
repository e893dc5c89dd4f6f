"""Connections' errors: every refusal names its reason, so clients can tell them apart.

A blocked user is told nothing of the block: whoever is blocked, either way, is answered as if
the other did not exist (``UserNotFound``)."""

from __future__ import annotations

from alora_core.shared.errors import Conflict, NotFound, RateLimited


class UserNotFound(NotFound):
    """No such user, a suspended one, or one who blocked the caller or whom the caller blocked."""

    def __init__(self) -> None:
        super().__init__("no such user")


class RequestNotFound(NotFound):
    """No such connection request among those the caller may answer or withdraw."""

    def __init__(self) -> None:
        super().__init__("no such connection request")


class NotConnected(NotFound):
    """The caller is not connected with that user."""

    def __init__(self) -> None:
        super().__init__("you are not connected with this user")


class RequestRefused(Conflict):
    """A connection request that may not be sent now; ``reason`` says why."""

    ALREADY_CONNECTED = "already-connected"
    REQUEST_PENDING = "request-pending"
    RECENTLY_REJECTED = "recently-rejected"
    TOO_MANY_OPEN = "too-many-open-requests"
    reasons = {
        ALREADY_CONNECTED: "the two users are connected already",
        REQUEST_PENDING: "the caller's request to this user is waiting for an answer already",
        RECENTLY_REJECTED: "this user rejected the caller's request recently; asking again "
        "waits `ALORA_MESSAGING_REQUEST_RESEND_AFTER_DAYS` days",
        TOO_MANY_OPEN: "the caller has as many requests waiting for an answer as allowed "
        "(`ALORA_MESSAGING_MAX_OPEN_REQUESTS`)",
    }
    _DETAILS = {
        ALREADY_CONNECTED: "you are connected with this user already",
        REQUEST_PENDING: "your request to this user is waiting for an answer",
        RECENTLY_REJECTED: "this user declined your request recently; try again later",
        TOO_MANY_OPEN: "you have as many requests waiting for an answer as allowed; withdraw "
        "one or wait for answers",
    }

    def __init__(self, reason: str) -> None:
        super().__init__(self._DETAILS[reason])
        self.reason = reason


class RequestNotPending(Conflict):
    """The request was answered, withdrawn or expired already."""

    reasons = {"not-pending": "the request is no longer waiting for an answer"}

    def __init__(self, status: object) -> None:
        super().__init__(f"the request is {status}, no longer pending")
        self.reason = "not-pending"
        self.status = status


class TooManyRequestsToday(RateLimited):
    """The caller sent as many connection requests in 24 hours as allowed."""

    reasons = {
        "requests-per-day": "the caller sent as many connection requests in 24 hours as "
        "allowed (`ALORA_MESSAGING_REQUESTS_PER_DAY`)"
    }

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(
            "you sent as many connection requests today as allowed; try again later",
            retry_after_seconds,
        )
        self.reason = "requests-per-day"
