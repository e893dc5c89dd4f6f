"""The ``Realtime`` port over a Litestar channels backend (in memory, or Redis pub/sub).

Publishes straight to the backend, so it works in any process: the API process whose channels
plugin delivers to its sockets, or a worker with no Litestar app (with Redis, the message
reaches every API process; in memory, only the process that owns the backend, once its plugin
has started it). Best effort, as the port says: failures are logged, never raised.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from litestar.channels.backends.base import ChannelsBackend

logger = logging.getLogger(__name__)

_encode = msgspec.json.Encoder().encode


def envelope(event: str, data: dict[str, Any]) -> bytes:
    """The JSON message sockets receive: ``{"event": ..., "data": ...}``."""
    return _encode({"event": event, "data": data})


class ChannelsRealtime:
    """``backend``: the channels backend, or a function giving it (None while there is none:
    nobody can be subscribed, and events are dropped)."""

    def __init__(self, backend: ChannelsBackend | Callable[[], ChannelsBackend | None]) -> None:
        self._backend = backend if callable(backend) else (lambda: backend)

    async def publish(self, topic: str, event: str, data: dict[str, Any]) -> None:
        try:
            payload = envelope(event, data)
        except (TypeError, msgspec.EncodeError):
            logger.exception("cannot encode real-time event %s for %s", event, topic)
            return
        backend = self._backend()
        if backend is None:
            return
        try:
            await backend.publish(payload, [topic])
        except RuntimeError as exc:  # the memory backend before its plugin started it
            logger.debug("real-time event %s for %s dropped: %s", event, topic, exc)
        except Exception:
            logger.warning("real-time event %s for %s not published", event, topic, exc_info=True)
