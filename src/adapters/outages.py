"""What an error from a service Alora depends on means: ``Unavailable``, or nothing.

The units of work raise ``Unavailable`` themselves for what they see; this is the net for the
rest (a Redis call, a database call outside a unit of work), used by the HTTP layer so that a
database or Redis outage answers 503 with ``Retry-After``, never 500.

``OutageLog`` is how a loop that retries (the relay, the scheduler) reports its failures: one
warning when an outage starts, one info line when it ends, and nothing for the retries between,
so a database that is down for an hour writes two lines, not a traceback per poll.
"""

from __future__ import annotations

import logging

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from alora_core.shared.errors import Unavailable

__all__ = ["REDIS_REASON", "OutageLog", "unavailable_from"]

REDIS_REASON = "redis-unreachable"
REDIS_RETRY_SECONDS = 5


def unavailable_from(exc: BaseException) -> Unavailable | None:
    """The outage ``exc`` (or an exception it was raised from, or a group whose exceptions
    are all outages) means, or None when it is something else."""
    # Imported here: the in-memory composition (no SQLAlchemy) uses OutageLog too.
    from adapters.sqlalchemy.errors import unavailable_from as database_unavailable_from

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, Unavailable):
            return current
        if isinstance(current, RedisConnectionError | RedisTimeoutError):
            return Unavailable(
                "a service Alora needs cannot be reached; try again shortly",
                retry_after_seconds=REDIS_RETRY_SECONDS,
                reason=REDIS_REASON,
            )
        if (found := database_unavailable_from(current)) is not None:
            return found
        if isinstance(current, BaseExceptionGroup):
            # Several failures at once (a task group): an outage if every one of them is.
            outages = [unavailable_from(member) for member in current.exceptions]
            return outages[0] if outages and None not in outages else None
        current = current.__cause__ or current.__context__
    return None


class OutageLog:
    """The log lines of a loop that retries what failed, ``what`` naming the work in them.

    ``failed(exc, retry_in)`` after each failure: an outage (``unavailable_from``) is logged
    once, as a warning without traceback, until ``succeeded()`` ends it with one info line.
    Any other error is a bug: a warning with its traceback, each time.
    """

    def __init__(self, logger: logging.Logger, what: str) -> None:
        self._logger = logger
        self._what = what
        self._outage: str | None = None

    def failed(self, exc: BaseException, retry_in: float) -> None:
        outage = unavailable_from(exc)
        if outage is None:
            self._logger.warning(
                "%s failed; retrying in %.1f s", self._what, retry_in, exc_info=exc
            )
            return
        reason = outage.reason or outage.code
        if self._outage == reason:
            self._logger.debug("%s still waiting (%s): %s", self._what, reason, exc)
            return
        self._outage = reason
        self._logger.warning(
            "%s is waiting: %s (%s); retrying with backoff until it is back",
            self._what,
            reason,
            exc,
            extra={"reason": reason},
        )

    def succeeded(self) -> None:
        if self._outage is not None:
            self._logger.info(
                "%s is back after %s", self._what, self._outage, extra={"reason": self._outage}
            )
            self._outage = None
