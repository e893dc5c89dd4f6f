"""Fixed-window rate limiting in Redis, shared by every API process.

Each key is a counter whose expiry is the end of its window: ``INCR`` then
``PEXPIRE ... NX`` in one MULTI/EXEC transaction, so the first hit opens the window and
later hits never extend it (needs Redis >= 7.0).

While Redis cannot be reached the limiter lets requests through and logs a warning: an
outage of the counters must not take sign-in and registration down with it.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from alora_core.shared.ratelimit import Limit

logger = logging.getLogger("alora.ratelimit")

P = ParamSpec("P")
T = TypeVar("T")


def _open_when_unreachable(
    method: Callable[P, Coroutine[Any, Any, T | None]],
) -> Callable[P, Coroutine[Any, Any, T | None]]:
    @wraps(method)
    async def guarded(*args: P.args, **kwargs: P.kwargs) -> T | None:
        try:
            return await method(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError, OSError):
            logger.warning("rate limits are off: Redis is unreachable")
            return None

    return guarded


def _window_ms(limit: Limit) -> int:
    return max(1, math.ceil(limit.window.total_seconds() * 1000))


def _seconds(ttl_ms: int, limit: Limit) -> int:
    # -1 (a counter without expiry) cannot come from this adapter; treat it as a full window.
    milliseconds = ttl_ms if ttl_ms > 0 else _window_ms(limit)
    return max(1, math.ceil(milliseconds / 1000))


class RedisRateLimiter:
    """The ``RateLimiter`` semantics of the port; windows are timed by the Redis server."""

    def __init__(self, redis: Redis, prefix: str = "alora:rl:") -> None:
        self._redis = redis
        self._prefix = prefix

    @_open_when_unreachable
    async def retry_after(self, key: str, limit: Limit) -> int | None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.get(self._key(key))
            pipe.pttl(self._key(key))
            count, ttl = await pipe.execute()
        if count is None or int(count) < limit.attempts or ttl == -2:
            return None
        return _seconds(int(ttl), limit)

    @_open_when_unreachable
    async def hit(self, key: str, limit: Limit) -> int | None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(self._key(key))
            pipe.pexpire(self._key(key), _window_ms(limit), nx=True)
            pipe.pttl(self._key(key))
            count, _, ttl = await pipe.execute()
        if int(count) <= limit.attempts:
            return None
        return _seconds(int(ttl), limit)

    @_open_when_unreachable
    async def reset(self, key: str) -> None:
        await self._redis.delete(self._key(key))

    def _key(self, key: str) -> str:
        return self._prefix + key
