"""Litestar's Redis pub/sub channels backend, made to survive a lost Redis connection.

Litestar's backend ends its event stream on the first connection error, and the channels
plugin's reader task dies with it: the process would deliver nothing more until restarted.
This one logs, waits (0.1 s, doubling up to 5 s) and reads on; redis-py reconnects and
subscribes again to every channel. Events published while the connection was down are lost,
as pub/sub is at most once: clients read the current state when they reconnect. Subscribing
is serialized (see ``subscribe``). ``publish_many`` sends many messages in one pipeline.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Iterable, Sequence
from typing import Any

from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 0.1
LONGEST_RETRY_SECONDS = 5.0


class ReconnectingRedisPubSubBackend(RedisChannelsPubSubBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._subscribing = asyncio.Lock()

    async def subscribe(self, channels: Iterable[str]) -> None:
        # Before its connection exists, redis-py's PubSub opens one per concurrent subscribe
        # and reads only the last: sockets arriving together would miss their events.
        async with self._subscribing:
            await super().subscribe(channels)

    async def unsubscribe(self, channels: Iterable[str]) -> None:
        async with self._subscribing:
            await super().unsubscribe(channels)

    async def publish_many(self, messages: Sequence[tuple[str, bytes]]) -> None:
        """``PUBLISH`` each ``(channel, data)`` in order, in one round trip (a pipeline, not a
        transaction: Redis runs them one after the other anyway)."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for channel, data in messages:
                pipe.publish(channel, data)
            await pipe.execute()

    async def stream_events(self) -> AsyncGenerator[tuple[str, Any], None]:
        wait = FIRST_RETRY_SECONDS
        while True:
            try:
                async for event in super().stream_events():
                    wait = FIRST_RETRY_SECONDS
                    yield event
            except (RedisConnectionError, RedisTimeoutError, OSError):
                logger.warning(
                    "real-time pub/sub lost its Redis connection; retrying in %.1f s",
                    wait,
                    exc_info=True,
                )
                await asyncio.sleep(wait)
                wait = min(wait * 2, LONGEST_RETRY_SECONDS)
