"""Presence and open sockets in process memory: one API process (the embedded profile), or
tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from attrs import define, field

from alora_core.shared.clock import Clock
from alora_core.shared.presence import PresenceState


@define
class _User:
    sockets: dict[uuid.UUID, datetime] = field(factory=dict)
    """Socket id -> when it expires unless refreshed."""
    announced_online: bool = False
    last_seen: datetime | None = None
    due: datetime | None = None
    """When ``sweep`` should look at this user next."""

    def prune(self, now: datetime) -> None:
        for socket_id in [s for s, expires in self.sockets.items() if expires <= now]:
            del self.sockets[socket_id]


class MemoryPresence:
    """The ``Presence`` semantics of the port, timed by the injected clock."""

    def __init__(self, clock: Clock, *, socket_ttl: timedelta, grace: timedelta) -> None:
        self._clock = clock
        self._socket_ttl = socket_ttl
        self._grace = grace
        self._users: dict[uuid.UUID, _User] = {}

    async def connect(self, user_id: uuid.UUID, socket_id: uuid.UUID) -> bool:
        return self._touch(user_id, socket_id)

    async def refresh(self, user_id: uuid.UUID, socket_id: uuid.UUID) -> bool:
        return self._touch(user_id, socket_id)

    async def disconnect(self, user_id: uuid.UUID, socket_id: uuid.UUID) -> bool:
        now = self._clock.now()
        user = self._users.setdefault(user_id, _User())
        user.sockets.pop(socket_id, None)
        user.prune(now)
        user.last_seen = now
        if user.sockets:
            return False
        user.due = now + self._grace
        return True

    async def settle(self, user_id: uuid.UUID) -> PresenceState | None:
        user = self._users.get(user_id)
        if user is None:
            return None
        now = self._clock.now()
        user.prune(now)
        if user.sockets:
            user.due = max(user.sockets.values())
            return None
        if not user.announced_online:
            user.due = None
            return None
        grace_ends = (user.last_seen or now) + self._grace
        if grace_ends > now:
            user.due = grace_ends
            return None
        user.announced_online = False
        user.due = None
        return PresenceState(online=False, last_seen=user.last_seen)

    async def sweep(self) -> list[tuple[uuid.UUID, PresenceState]]:
        now = self._clock.now()
        due = [uid for uid, user in self._users.items() if user.due is not None and user.due <= now]
        changes = []
        for user_id in due:
            state = await self.settle(user_id)
            if state is not None:
                changes.append((user_id, state))
        return changes

    async def query(self, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, PresenceState]:
        now = self._clock.now()
        states = {}
        for user_id in user_ids:
            user = self._users.get(user_id) or _User()
            live = any(expires > now for expires in user.sockets.values())
            in_grace = (
                user.announced_online
                and user.last_seen is not None
                and user.last_seen + self._grace > now
            )
            online = live or in_grace
            states[user_id] = PresenceState(
                online=online, last_seen=None if online else user.last_seen
            )
        return states

    def _touch(self, user_id: uuid.UUID, socket_id: uuid.UUID) -> bool:
        now = self._clock.now()
        user = self._users.setdefault(user_id, _User())
        expires = now + self._socket_ttl
        user.sockets[socket_id] = expires
        user.last_seen = now
        user.due = expires if user.due is None else max(user.due, expires)
        came_online = not user.announced_online
        user.announced_online = True
        return came_online


class MemoryOpenSockets:
    """The ``OpenSockets`` semantics of the port, timed by the injected clock."""

    def __init__(self, clock: Clock, *, socket_ttl: timedelta) -> None:
        self._clock = clock
        self._socket_ttl = socket_ttl
        self._users: dict[uuid.UUID, dict[uuid.UUID, datetime]] = {}
        """User id -> their sockets, oldest first -> when each stops counting."""

    async def touch(
        self, user_id: uuid.UUID, socket_id: uuid.UUID, *, keep: int
    ) -> list[uuid.UUID]:
        now = self._clock.now()
        sockets = self._users.setdefault(user_id, {})
        for expired in [s for s, expires in sockets.items() if expires <= now]:
            del sockets[expired]
        sockets[socket_id] = now + self._socket_ttl  # a counted socket keeps its place
        replaced = list(sockets)[: max(0, len(sockets) - keep)]
        for socket in replaced:
            del sockets[socket]
        return replaced

    async def forget(self, user_id: uuid.UUID, socket_id: uuid.UUID) -> None:
        sockets = self._users.get(user_id, {})
        sockets.pop(socket_id, None)
        if not sockets:
            self._users.pop(user_id, None)
