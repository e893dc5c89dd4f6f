"""The real-time port: push an event to every socket listening on a topic, in any process.

Topics are strings: ``user:<id>`` reaches every socket of one user; other contexts add their
own (``presence:<id>``, ``conversation:<id>`` ...) and say who may subscribe to them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, NamedTuple, Protocol


class Push(NamedTuple):
    """One message for one topic: ``{"event": event, "data": data}`` to its subscribers."""

    topic: str
    event: str
    data: dict[str, Any]


class Realtime(Protocol):
    async def publish(self, topic: str, event: str, data: dict[str, Any]) -> None:
        """Send ``{"event": event, "data": data}`` to the topic's subscribers (none is fine).

        Best effort: a subscriber that is offline misses it and reads the state on reconnect.
        """
        ...

    async def publish_many(self, pushes: Sequence[Push]) -> None:
        """``publish`` each of ``pushes``, in order, in as few round trips as the adapter can
        (one pipeline on Redis). Best effort like ``publish``: one that cannot be sent is
        logged and the others still go."""
        ...


def user_topic(user_id: uuid.UUID) -> str:
    return f"user:{user_id}"
