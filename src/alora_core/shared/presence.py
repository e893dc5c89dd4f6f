"""The presence port: which users have a live socket, and when each was last seen.

A user is online while one of their sockets is live, in any process. A socket stays live for
``socket_ttl`` after it connected or was last refreshed (the gateway refreshes on every
heartbeat), so a process that dies leaves no user online for ever.

Going offline is announced once, after a grace period: when a user's last socket closes, the
user still counts as online for ``grace``; then ``settle`` (called by the gateway after the
grace period, and by ``sweep`` for sockets that expired without closing) marks them offline and
tells exactly one caller, across processes, to announce it.

``OpenSockets`` counts each user's sockets in every process, oldest first, so the gateway can
cap how many one user keeps open.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from attrs import frozen


@frozen
class PresenceState:
    online: bool
    last_seen: datetime | None
    """When a socket of the user was last known alive; None while online or if never seen."""


class Presence(Protocol):
    async def connect(self, user_id: uuid.UUID, socket_id: uuid.UUID) -> bool:
        """Register a live socket; True when the user comes online (announce it)."""
        ...

    async def refresh(self, user_id: uuid.UUID, socket_id: uuid.UUID) -> bool:
        """Keep a socket live for another ``socket_ttl`` (re-registering it if it expired).

        True when this brings the user back online (they had been settled offline).
        """
        ...

    async def disconnect(self, user_id: uuid.UUID, socket_id: uuid.UUID) -> bool:
        """Forget a socket; True when no live socket of the user remains.

        The caller then waits the grace period and calls ``settle``.
        """
        ...

    async def settle(self, user_id: uuid.UUID) -> PresenceState | None:
        """Mark the user offline if they have no live socket and the grace period is over.

        Returns the offline state to announce, or None when nothing changed (still online,
        still within the grace period, or already offline). Safe to call at any time and from
        several processes: one offline transition is reported once.
        """
        ...

    async def sweep(self) -> list[tuple[uuid.UUID, PresenceState]]:
        """Settle every user whose grace period or sockets ran out; the transitions to announce."""
        ...

    async def query(self, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, PresenceState]:
        """The presence of each user (users never seen are offline with no ``last_seen``)."""
        ...


class OpenSockets(Protocol):
    """Each user's open sockets, in every process, in the order they opened.

    A socket stays counted for ``socket_ttl`` after it was last touched (the gateway touches it
    when it opens and on every heartbeat), so the sockets of a process that died stop counting
    by themselves.
    """

    async def touch(
        self, user_id: uuid.UUID, socket_id: uuid.UUID, *, keep: int
    ) -> list[uuid.UUID]:
        """Count a socket for another ``socket_ttl`` (as the user's newest when it was not
        counted); the user's oldest sockets beyond ``keep``, oldest first, which are no longer
        counted: the caller closes them."""
        ...

    async def forget(self, user_id: uuid.UUID, socket_id: uuid.UUID) -> None:
        """The socket closed: it no longer counts."""
        ...


def presence_topic(user_id: uuid.UUID) -> str:
    """The real-time topic on which a user's presence changes are published."""
    return f"presence:{user_id}"
