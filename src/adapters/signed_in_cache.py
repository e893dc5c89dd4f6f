"""The signed-in cache: who is signed in with which session, kept in this process so that most
authenticated requests read no database (the core's ``SignedInCache`` port).

Each user has a version here, which ``forget`` bumps. A lookup records the version it saw;
``put`` keeps a read only if no ``forget`` came since, and ``get`` serves an entry only if it
was kept at the user's current version. So a read that raced a revocation is never kept.

``forget`` takes effect in this process before it returns, that is before the committing
request answers. Other processes hear of it through Redis (``RedisForgetChannel``): the ids are
published before the committing request answers, and each process drops them when the message
arrives. A process whose subscription is down keeps nothing (every request reads the database)
and starts empty each time it subscribes, so a message it missed cannot leave a stale entry.
Entries also expire after ``keep_seconds``, a safety net.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Collection
from typing import Any

from attrs import frozen

from alora_core.identity.ports import CacheLookup
from alora_core.identity.queries import SignedIn

logger = logging.getLogger(__name__)

FORGET_CHANNEL = "alora:signed-in:forget"
FIRST_RETRY_SECONDS = 0.1
LONGEST_RETRY_SECONDS = 5.0


@frozen
class _Entry:
    user_id: uuid.UUID
    signed_in: SignedIn
    stamp: int
    until: float


class LocalSignedInCache:
    """A ``SignedInCache`` in this process's memory; with ``channel``, shared forgetting."""

    def __init__(
        self,
        *,
        keep_seconds: float = 60.0,
        max_entries: int = 50_000,
        channel: RedisForgetChannel | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._keep = keep_seconds
        self._max_entries = max_entries
        self._channel = channel
        self._monotonic = monotonic
        self._entries: dict[uuid.UUID, _Entry] = {}
        self._versions: dict[uuid.UUID, int] = {}
        self._era = 0

    def _stamp(self, user_id: uuid.UUID) -> int:
        return (self._era << 32) + self._versions.get(user_id, 0)

    async def get(self, user_id: uuid.UUID, session_id: uuid.UUID) -> CacheLookup:
        if self._channel is not None and not self._channel.listening(self):
            return CacheLookup(user_id=user_id, session_id=session_id, found=None, stamp=None)
        stamp = self._stamp(user_id)
        entry = self._entries.get(session_id)
        found = None
        if (
            entry is not None
            and entry.stamp == stamp
            and entry.user_id == user_id
            and entry.until > self._monotonic()
        ):
            found = entry.signed_in
        return CacheLookup(user_id=user_id, session_id=session_id, found=found, stamp=stamp)

    async def put(self, lookup: CacheLookup, signed_in: SignedIn) -> None:
        if lookup.stamp is None or lookup.stamp != self._stamp(lookup.user_id):
            return
        self._entries.pop(lookup.session_id, None)
        while len(self._entries) >= self._max_entries:
            del self._entries[next(iter(self._entries))]
        self._entries[lookup.session_id] = _Entry(
            lookup.user_id, signed_in, lookup.stamp, self._monotonic() + self._keep
        )

    async def forget(self, user_ids: Collection[uuid.UUID]) -> None:
        self.drop(user_ids)
        if self._channel is not None and user_ids:
            await self._channel.publish(user_ids)

    def drop(self, user_ids: Collection[uuid.UUID]) -> None:
        """Forget ``user_ids`` here only (what another process forgot)."""
        for user_id in user_ids:
            self._versions[user_id] = self._versions.get(user_id, 0) + 1
        if len(self._versions) > self._max_entries:
            self.clear()

    def clear(self) -> None:
        """Forget everyone here."""
        self._era += 1
        self._versions.clear()
        self._entries.clear()


class RedisForgetChannel:
    """Forgetting shared by every process through one Redis pub/sub channel.

    The listener starts with the first lookup (it needs the running event loop) and runs until
    ``close``; it reconnects with backoff, and the cache is cleared on each (re)subscription.
    """

    def __init__(self, redis: Any) -> None:
        self._redis = redis
        self._listener: asyncio.Task[None] | None = None
        self._subscribed = False

    def listening(self, cache: LocalSignedInCache) -> bool:
        """Whether forgetting reaches ``cache`` now; starts listening when it does not yet."""
        if self._listener is None or self._listener.done():
            self._subscribed = False
            self._listener = asyncio.create_task(self._listen(cache))
        return self._subscribed

    async def publish(self, user_ids: Collection[uuid.UUID]) -> None:
        message = ",".join(str(user_id) for user_id in user_ids)
        try:
            await self._redis.publish(FORGET_CHANNEL, message)
        except Exception:  # other processes then start empty when their subscription is back
            logger.warning("could not tell other processes to forget %s", message, exc_info=True)

    async def _listen(self, cache: LocalSignedInCache) -> None:
        wait = FIRST_RETRY_SECONDS
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=False)
            try:
                await pubsub.subscribe(FORGET_CHANNEL)
                async for message in pubsub.listen():
                    if message["type"] == "subscribe":
                        # redis-py resubscribes by itself after a reconnect: start empty then
                        cache.clear()
                        self._subscribed = True
                        wait = FIRST_RETRY_SECONDS
                    elif message["type"] == "message":
                        cache.drop(_user_ids(message["data"]))
            except asyncio.CancelledError:
                self._subscribed = False
                raise
            except Exception:
                self._subscribed = False
                cache.clear()
                logger.warning(
                    "signed-in cache lost its Redis subscription; reading the database until "
                    "it is back (retrying in %.1f s)",
                    wait,
                    exc_info=True,
                )
            finally:
                self._subscribed = False
                await _quietly(pubsub.aclose())
            await asyncio.sleep(wait)
            wait = min(wait * 2, LONGEST_RETRY_SECONDS)

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)
            self._listener = None
        await self._redis.aclose()


def _user_ids(data: bytes | str) -> list[uuid.UUID]:
    text = data.decode() if isinstance(data, bytes) else data
    ids = []
    for part in text.split(","):
        try:
            ids.append(uuid.UUID(part))
        except ValueError:
            logger.warning("ignored a malformed forget message part %r", part)
    return ids


async def _quietly(closing: Any) -> None:
    try:
        await closing
    except Exception:
        logger.debug("closing the forget subscription failed", exc_info=True)
