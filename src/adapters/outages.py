"""What an error from a service Alora depends on means: ``Unavailable``, or nothing.

The units of work raise ``Unavailable`` themselves for what they see; this is the net for the
rest (a Redis call, a database call outside a unit of work), used by the HTTP layer so that a
database or Redis outage answers 503 with ``Retry-After``, never 500.
"""

from __future__ import annotations

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from adapters.sqlalchemy.errors import unavailable_from as database_unavailable_from
from alora_core.shared.errors import Unavailable

__all__ = ["REDIS_REASON", "unavailable_from"]

REDIS_REASON = "redis-unreachable"
REDIS_RETRY_SECONDS = 5


def unavailable_from(exc: BaseException) -> Unavailable | None:
    """The outage ``exc`` (or an exception it was raised from, or the one exception a group
    holds) means, or None when it is something else."""
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
        if isinstance(current, BaseExceptionGroup) and len(current.exceptions) == 1:
            current = current.exceptions[0]
        else:
            current = current.__cause__ or current.__context__
    return None
