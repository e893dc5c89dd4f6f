"""Real-time fan-out and presence, in memory or in Redis: ``build_realtime``.

``RealtimeParts`` is what the HTTP gateway and the rest of Alora share in one process: the
Litestar channels backend (the gateway's channels plugin runs it), the ``Realtime`` port over
that backend (for publishing from anywhere, workers included), the presence store and the
count of each user's open sockets. With ``redis_url`` every part lives in Redis, so any number
of API processes deliver to any socket, agree on who is online and cap each user's sockets
together; without it, all of it is in this process's memory, and the
channels backend is made when the gateway first asks for it (a program that embeds Alora
without HTTP never imports Litestar).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from attrs import define, field

from adapters.channels_realtime import ChannelsRealtime
from adapters.memory.presence import MemoryOpenSockets, MemoryPresence
from alora_core.shared.clock import Clock
from alora_core.shared.presence import OpenSockets, Presence
from alora_core.shared.realtime import Realtime

SOCKET_TTL_HEARTBEATS = 2.5
"""A socket not refreshed for this many heartbeat intervals is no longer live."""
REDIS_CLIENT_NAME = "alora-realtime"
"""How these connections show in Redis's ``CLIENT LIST``."""


@define
class RealtimeParts:
    realtime: Realtime
    presence: Presence
    sockets: OpenSockets
    """Each user's open sockets, which the gateway caps."""
    _backend: Any = None
    """The Litestar channels backend, once made."""
    _closers: list[Callable[[], Awaitable[Any]]] = field(factory=list)

    @property
    def backend(self) -> Any:
        """The Litestar channels backend the gateway runs (made in memory on first use)."""
        if self._backend is None:
            from litestar.channels.backends.memory import MemoryChannelsBackend

            self._backend = MemoryChannelsBackend()
        return self._backend

    async def close(self) -> None:
        """Release the Redis connections, if any; idempotent."""
        closers, self._closers = self._closers, []
        for close in reversed(closers):
            await close()


def build_realtime(
    redis_url: str | None,
    clock: Clock,
    *,
    presence_grace_seconds: float,
    heartbeat_seconds: float = 30.0,
) -> RealtimeParts:
    """The channels backend, ``Realtime`` adapter, presence store and open-socket count for one
    process.

    Nothing connects here (Redis connects on first use), so this may run before an event loop.
    """
    socket_ttl = timedelta(seconds=heartbeat_seconds * SOCKET_TTL_HEARTBEATS)
    grace = timedelta(seconds=presence_grace_seconds)
    if not redis_url:
        parts = RealtimeParts(
            ChannelsRealtime(lambda: parts._backend),
            MemoryPresence(clock, socket_ttl=socket_ttl, grace=grace),
            MemoryOpenSockets(clock, socket_ttl=socket_ttl),
        )
        return parts

    from adapters.redis_channels import ReconnectingRedisPubSubBackend
    from adapters.redis_client import redis_client
    from adapters.redis_presence import RedisOpenSockets, RedisPresence

    redis = redis_client(redis_url, client_name=REDIS_CLIENT_NAME)
    redis_backend = ReconnectingRedisPubSubBackend(redis=redis)
    return RealtimeParts(
        ChannelsRealtime(redis_backend),
        RedisPresence(redis, clock, socket_ttl=socket_ttl, grace=grace),
        RedisOpenSockets(redis, clock, socket_ttl=socket_ttl),
        backend=redis_backend,
        closers=[redis.aclose],
    )
