"""What the gateway's sockets share in one API process, and its life span.

``RealtimeHub.lifespan`` runs the Litestar channels plugin over the process's channels backend,
the presence sweeper (users whose sockets expired without closing, e.g. in a process that
died, are settled offline) and the grace-period timers of users whose last socket closed. At
shutdown it closes the sockets still open with 1001.

The hub knows the sockets of this process by id; a socket of the same user on another process
is asked to close through the user's topic (``SOCKETS_REPLACED``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.channels import ChannelsPlugin, Subscriber

from alora_core.shared.presence import OpenSockets, Presence, PresenceState, presence_topic
from alora_core.shared.realtime import Realtime, user_topic
from entrypoints.http.realtime.protocol import CloseCode
from entrypoints.modules.base import (
    ContextModule,
    InboundEvent,
    SocketClosed,
    SocketState,
    TopicPolicy,
)
from entrypoints.realtime_wiring import RealtimeParts
from entrypoints.settings import Settings

logger = logging.getLogger(__name__)

SUBSCRIBER_BACKLOG = 1000
"""Events queued for one slow socket; beyond, the oldest are dropped."""
SHUTDOWN_WAIT_SECONDS = 5.0

CloseRequest = Callable[[CloseCode, str], None]

SOCKETS_REPLACED = "sockets.replaced"
"""On a user's topic, ``{"socketIds": [...]}``: those of the user's sockets close with 4409
(never forwarded to clients)."""


class _ChannelsPlugin(ChannelsPlugin):
    """Litestar's plugin, forgetting channels whose last subscriber left.

    Litestar keeps an empty entry per channel ever subscribed to, and every user and presence
    topic is a channel: a long-running process would keep one per user ever connected.
    """

    async def unsubscribe(
        self, subscriber: Subscriber, channels: str | Iterable[str] | None = None
    ) -> None:
        names = [channels] if isinstance(channels, str) else list(channels or self._channels)
        await super().unsubscribe(subscriber, names)
        for name in names:
            if not self._channels.get(name, True):
                del self._channels[name]

    @property
    def channel_count(self) -> int:
        return len(self._channels)


def _all_of(policies: Sequence[TopicPolicy]) -> TopicPolicy:
    """A policy allowing what every one of ``policies`` allows (asked in order, until one
    refuses)."""
    if len(policies) == 1:
        return policies[0]

    async def every_one_allows(alora: Any, actor: Any, topic_id: uuid.UUID) -> bool:
        for policy in policies:
            if not await policy(alora, actor, topic_id):
                return False
        return True

    return every_one_allows


class RealtimeHub:
    def __init__(
        self, parts: RealtimeParts, settings: Settings, modules: Sequence[ContextModule]
    ) -> None:
        self.parts = parts
        policies: dict[str, list[TopicPolicy]] = {}
        for module in modules:
            for kind, policy in module.topics.items():
                policies.setdefault(kind, []).append(policy)
        self.topics: dict[str, TopicPolicy] = {
            kind: _all_of(kind_policies) for kind, kind_policies in policies.items()
        }
        """Who may follow each kind of topic the modules define, by kind: where several modules
        give a rule for one kind, every rule must allow (in the modules' order)."""
        self.inbound: dict[str, InboundEvent] = {
            name: event for module in modules for name, event in module.inbound.items()
        }
        """The WebSocket events the modules accept, by name."""
        self.inbound_owner: dict[str, str] = {
            name: module.name for module in modules for name in module.inbound
        }
        """The module that accepts each event (its socket state is the module's)."""
        self._socket_closed: dict[str, SocketClosed] = {
            module.name: module.socket_closed for module in modules if module.socket_closed
        }
        self.settings = settings
        self.channels = _ChannelsPlugin(
            backend=parts.backend,
            arbitrary_channels_allowed=True,
            subscriber_max_backlog=SUBSCRIBER_BACKLOG,
            subscriber_backlog_strategy="dropleft",
        )
        self._sockets: dict[uuid.UUID, CloseRequest] = {}
        self._no_sockets = asyncio.Event()
        self._no_sockets.set()
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def presence(self) -> Presence:
        return self.parts.presence

    @property
    def realtime(self) -> Realtime:
        return self.parts.realtime

    @property
    def sockets(self) -> OpenSockets:
        return self.parts.sockets

    @asynccontextmanager
    async def lifespan(self, _: Litestar) -> AsyncIterator[None]:
        async with self.channels:
            sweeper = asyncio.create_task(self._sweep_forever())
            try:
                yield
            finally:
                await self._close_sockets()
                sweeper.cancel()
                for task in [*self._tasks, sweeper]:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    # --- sockets ---------------------------------------------------------------------------------

    def add_socket(self, socket_id: uuid.UUID, request_close: CloseRequest) -> None:
        self._sockets[socket_id] = request_close
        self._no_sockets.clear()

    def remove_socket(self, socket_id: uuid.UUID) -> None:
        self._sockets.pop(socket_id, None)
        if not self._sockets:
            self._no_sockets.set()

    async def socket_closed(self, alora: Any, actor: Any, states: dict[str, SocketState]) -> None:
        """A socket closed: each module whose inbound events left it state is told (a module
        that fails is logged, the others are still told)."""
        for name, state in states.items():
            closed = self._socket_closed.get(name)
            if not state or closed is None:
                continue
            try:
                await closed(alora, actor, state)
            except Exception:
                logger.warning("the %s module's socket-closed hook failed", name, exc_info=True)

    async def wait_no_sockets(self) -> None:
        """Return once no socket is open in this process."""
        await self._no_sockets.wait()

    @property
    def replaced_reason(self) -> str:
        """Why a socket closes with 4409 (the close frame's reason)."""
        return (
            f"over {self.settings.ws_max_sockets_per_user} sockets for this user: the oldest closes"
        )

    async def close_replaced(self, user_id: uuid.UUID, socket_ids: Sequence[uuid.UUID]) -> None:
        """Close these sockets of the user's (4409), here or on the process that holds them."""
        elsewhere = []
        for socket_id in socket_ids:
            request_close = self._sockets.get(socket_id)
            if request_close is None:
                elsewhere.append(str(socket_id))
            else:
                request_close(CloseCode.REPLACED, self.replaced_reason)
        if elsewhere:
            await self.realtime.publish(
                user_topic(user_id), SOCKETS_REPLACED, {"socketIds": elsewhere}
            )

    async def _close_sockets(self) -> None:
        for request_close in list(self._sockets.values()):
            request_close(CloseCode.GOING_AWAY, "server shutting down")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._no_sockets.wait(), SHUTDOWN_WAIT_SECONDS)

    # --- presence --------------------------------------------------------------------------------

    async def join(self, user_id: uuid.UUID, socket_id: uuid.UUID) -> None:
        """A socket opened: count it among the user's (the oldest beyond the cap close) and
        announce the user online if they were not."""
        await self._count(user_id, socket_id)
        try:
            came_online = await self.presence.connect(user_id, socket_id)
        except Exception:
            logger.warning("presence not recorded", exc_info=True)
            return
        if came_online:
            await self.announce(user_id, PresenceState(online=True, last_seen=None))

    async def refresh(self, user_id: uuid.UUID, socket_id: uuid.UUID) -> None:
        """A socket's heartbeat: it stays counted and live."""
        await self._count(user_id, socket_id)
        try:
            came_online = await self.presence.refresh(user_id, socket_id)
        except Exception:
            logger.warning("presence not refreshed", exc_info=True)
            return
        if came_online:
            await self.announce(user_id, PresenceState(online=True, last_seen=None))

    async def leave(self, user_id: uuid.UUID, socket_id: uuid.UUID) -> None:
        """A socket closed: it no longer counts, and its user goes offline after the grace
        period if it was their last."""
        try:
            await self.sockets.forget(user_id, socket_id)
        except Exception:
            logger.warning("open socket not forgotten", exc_info=True)
        try:
            if await self.presence.disconnect(user_id, socket_id):
                self.settle_after_grace(user_id)
        except Exception:
            logger.warning("presence not updated on disconnect", exc_info=True)

    async def _count(self, user_id: uuid.UUID, socket_id: uuid.UUID) -> None:
        cap = self.settings.ws_max_sockets_per_user
        try:
            replaced = await self.sockets.touch(user_id, socket_id, keep=cap)
        except Exception:  # Redis is away: no cap rather than no socket
            logger.warning("open sockets not counted", exc_info=True)
            return
        if replaced:
            await self.close_replaced(user_id, replaced)

    async def announce(self, user_id: uuid.UUID, state: PresenceState) -> None:
        last_seen = state.last_seen.isoformat().replace("+00:00", "Z") if state.last_seen else None
        await self.realtime.publish(
            presence_topic(user_id),
            "presence.changed",
            {"userId": str(user_id), "online": state.online, "lastSeen": last_seen},
        )

    def settle_after_grace(self, user_id: uuid.UUID) -> None:
        """The user's last socket here closed: announce them offline unless they come back."""
        task = asyncio.create_task(self._settle_after_grace(user_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _settle_after_grace(self, user_id: uuid.UUID) -> None:
        # A hair longer than the grace period, so the store's clock agrees it is over.
        await asyncio.sleep(self.settings.presence_grace_seconds + 0.05)
        try:
            state = await self.presence.settle(user_id)
        except Exception:
            logger.warning("presence of user %s not settled", user_id, exc_info=True)
            return
        if state is not None:
            await self.announce(user_id, state)

    async def _sweep_forever(self) -> None:
        interval = max(1.0, min(self.settings.ws_heartbeat_seconds, 30.0))
        while True:
            await asyncio.sleep(interval)
            try:
                changes = await self.presence.sweep()
            except Exception:
                logger.warning("presence sweep failed", exc_info=True)
                continue
            for user_id, state in changes:
                await self.announce(user_id, state)
