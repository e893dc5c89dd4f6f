"""The topics one socket follows, each a channel of the hub's channels plugin.

A topic is followed only once its rule allows it, and the rule is asked after the topic's
channel is subscribed (its events wait until then): an ``ACCESS_CHANGED`` published between the
rule's answer and the subscription is therefore never missed. ``recheck`` asks the rule again
and stops following the topic when it now refuses. Changes are serialized per socket.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack

from litestar.channels import ChannelsPlugin, Subscriber

logger = logging.getLogger(__name__)

Forward = Callable[[str, bytes], Awaitable[None]]
"""Called with the topic and each event published on it (it must not raise)."""


class Subscriptions:
    def __init__(self, channels: ChannelsPlugin, forward: Forward) -> None:
        self._channels = channels
        self._forward = forward
        self._topics: dict[str, tuple[Subscriber, AsyncExitStack]] = {}
        self._changing = asyncio.Lock()

    def __contains__(self, topic: str) -> bool:
        return topic in self._topics

    def __len__(self) -> int:
        return len(self._topics)

    async def follow(
        self, topics: Sequence[str], refused: Callable[[], Awaitable[list[str]]]
    ) -> list[str]:
        """Follow the ``topics`` not followed yet, unless ``refused()`` (asked once their channels
        are subscribed) names any; then none is followed. What ``refused()`` named."""
        async with self._changing:
            new = [topic for topic in dict.fromkeys(topics) if topic not in self._topics]
            pending: dict[str, Subscriber] = {}
            try:
                for topic in new:
                    pending[topic] = await self._channels.subscribe(topic)
                names = await refused()
                if not names:
                    for topic in new:
                        await self._start(topic, pending[topic])
                        del pending[topic]
                return names
            finally:
                for topic, subscriber in pending.items():
                    await self._channels.unsubscribe(subscriber, topic)

    async def recheck(self, topic: str, allowed: Callable[[], Awaitable[bool]]) -> bool:
        """Ask ``allowed()`` again for a followed topic; True when it was dropped for a refusal.
        A rule that fails refuses: a topic kept by mistake could show what is no longer shown."""
        async with self._changing:
            if topic not in self._topics:
                return False
            try:
                if await allowed():
                    return False
            except Exception:
                logger.warning(
                    "the rule of %s failed; it is no longer followed", topic, exc_info=True
                )
            await self._drop(topic)
            return True

    async def drop(self, topics: Sequence[str]) -> None:
        async with self._changing:
            for topic in topics:
                if topic in self._topics:
                    await self._drop(topic)

    async def close(self) -> None:
        """Follow nothing any more (the socket closed); a channel that fails to unsubscribe is
        logged and the others are still released."""
        async with self._changing:
            for topic in list(self._topics):
                try:
                    await self._drop(topic)
                except Exception:
                    logger.warning("%s not unsubscribed", topic, exc_info=True)

    async def _start(self, topic: str, subscriber: Subscriber) -> None:
        stack = AsyncExitStack()

        async def forward(payload: bytes) -> None:
            await self._forward(topic, payload)

        await stack.enter_async_context(subscriber.run_in_background(forward, join=False))
        self._topics[topic] = (subscriber, stack)

    async def _drop(self, topic: str) -> None:
        subscriber, stack = self._topics.pop(topic)
        await stack.aclose()
        await self._channels.unsubscribe(subscriber, topic)
