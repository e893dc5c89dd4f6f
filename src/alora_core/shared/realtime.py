"""The real-time port: push an event to every socket listening on a topic, in any process.

Topics are strings: ``user:<id>`` reaches every socket of one user; other contexts add their
own (``presence:<id>``, ``conversation:<id>`` ...) and say who may subscribe to them.
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol


class Realtime(Protocol):
    async def publish(self, topic: str, event: str, data: dict[str, Any]) -> None:
        """Send ``{"event": event, "data": data}`` to the topic's subscribers (none is fine).

        Best effort: a subscriber that is offline misses it and reads the state on reconnect.
        """
        ...


def user_topic(user_id: uuid.UUID) -> str:
    return f"user:{user_id}"
