"""Domain errors. Entry points map each class to one HTTP status in one place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from attrs import frozen


@frozen
class FieldError:
    """One problem with one input field; ``field`` is the snake_case path, e.g. ``address.city``."""

    field: str
    message: str
    code: str = "invalid"


class AloraError(Exception):
    """Base of every error the core raises on purpose."""

    code = "error"
    title = "Error"
    reasons: ClassVar[Mapping[str, str]] = {}
    """The stable ``reason`` codes this error's instances carry (code -> meaning), for the API
    documentation; empty for errors that carry none (clients tell them by ``code``)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Invalid(AloraError):
    """The input breaks a rule (HTTP 422)."""

    code = "invalid"
    title = "Invalid input"

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.errors = errors or []

    @classmethod
    def field(cls, field: str, message: str, code: str = "invalid") -> Invalid:
        return cls(message, [FieldError(field, message, code)])


class NotFound(AloraError):
    """The resource does not exist, or the caller may not know it exists (HTTP 404)."""

    code = "not-found"
    title = "Not found"


class Conflict(AloraError):
    """The request clashes with the current state (HTTP 409); ``field`` names a duplicate."""

    code = "conflict"
    title = "Conflict"

    def __init__(self, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.field = field


class Forbidden(AloraError):
    """The caller is known but may not do this (HTTP 403)."""

    code = "forbidden"
    title = "Forbidden"


class Unauthenticated(AloraError):
    """Missing, bad or expired credentials (HTTP 401)."""

    code = "unauthenticated"
    title = "Unauthenticated"


class RateLimited(AloraError):
    """Too many attempts (HTTP 429, with Retry-After)."""

    code = "rate-limited"
    title = "Too many requests"

    def __init__(self, detail: str, retry_after_seconds: int) -> None:
        super().__init__(detail)
        self.retry_after_seconds = max(1, retry_after_seconds)


class Unavailable(AloraError):
    """Something Alora depends on failed, is busy or cannot be reached (HTTP 503, with
    Retry-After); the cause is logged. ``reason`` says which (``database-busy``,
    ``database-unreachable``, ``redis-unreachable`` ...), for clients and dashboards."""

    code = "unavailable"
    title = "Service unavailable"

    def __init__(
        self, detail: str, retry_after_seconds: int = 1, reason: str | None = None
    ) -> None:
        super().__init__(detail)
        self.retry_after_seconds = max(1, retry_after_seconds)
        self.reason = reason


class DatabaseUnavailable(Unavailable):
    """The database itself is busy or cannot be reached: where commands, events and jobs are
    kept, so background work waits for it rather than failing (``shared.jobs``)."""
