"""The ``Realtime`` port over a Litestar channels backend (in memory, or Redis pub/sub).

Publishes straight to the backend, so it works in any process: the API process whose channels
plugin delivers to its sockets, or a worker with no Litestar app (with Redis, the message
reaches every API process; in memory, only the process that owns the backend, once its plugin
has started it). Best effort, as the port says: failures are logged, never raised.
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from litestar.channels.backends.base import ChannelsBackend

logger = logging.getLogger(__name__)

_encode = msgspec.json.Encoder().encode


def envelope(event: str, data: dict[str, Any]) -> bytes:
    """The JSON message sockets receive: ``{"event": ..., "data": ...}``."""
    return _encode({"event": event, "data": data})


class ChannelsRealtime:
    def __init__(self, backend: ChannelsBackend) -> None:
        self._backend = backend

    async def publish(self, topic: str, event: str, data: dict[str, Any]) -> None:
        try:
            payload = envelope(event, data)
        except (TypeError, msgspec.EncodeError):
            logger.exception("cannot encode real-time event %s for %s", event, topic)
            return
        try:
            await self._backend.publish(payload, [topic])
        except RuntimeError as exc:  # the memory backend before its plugin started it
            logger.debug("real-time event %s for %s dropped: %s", event, topic, exc)
        except Exception:
            logger.warning("real-time event %s for %s not published", event, topic, exc_info=True)
