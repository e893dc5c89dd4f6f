"""The ``Realtime`` port over a Litestar channels backend (in memory, or Redis pub/sub).

Publishes straight to the backend, so it works in any process: the API process whose channels
plugin delivers to its sockets, or a worker with no Litestar app (with Redis, the message
reaches every API process; in memory, only the process that owns the backend, once its plugin
has started it). Best effort, as the port says: failures are logged, never raised.

``publish_many`` hands a backend that can send many messages at once (``BatchPublisher``: the
Redis one pipelines them, one round trip) the whole batch; any other gets them one by one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import msgspec

from alora_core.shared.realtime import Push

if TYPE_CHECKING:
    from litestar.channels.backends.base import ChannelsBackend

logger = logging.getLogger(__name__)

_encode = msgspec.json.Encoder().encode


def envelope(event: str, data: dict[str, Any]) -> bytes:
    """The JSON message sockets receive: ``{"event": ..., "data": ...}``."""
    return _encode({"event": event, "data": data})


@runtime_checkable
class BatchPublisher(Protocol):
    async def publish_many(self, messages: Sequence[tuple[str, bytes]]) -> None:
        """Publish each ``(channel, data)``, in order, at once."""
        ...


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

    async def publish_many(self, pushes: Sequence[Push]) -> None:
        messages: list[tuple[str, bytes]] = []
        for push in pushes:
            try:
                messages.append((push.topic, envelope(push.event, push.data)))
            except (TypeError, msgspec.EncodeError):
                logger.exception("cannot encode real-time event %s for %s", push.event, push.topic)
        backend = self._backend()
        if backend is None or not messages:
            return
        try:
            if isinstance(backend, BatchPublisher):
                await backend.publish_many(messages)
            else:
                for topic, payload in messages:
                    await backend.publish(payload, [topic])
        except RuntimeError as exc:  # the memory backend before its plugin started it
            logger.debug("%d real-time event(s) dropped: %s", len(messages), exc)
        except Exception:
            logger.warning("%d real-time event(s) not published", len(messages), exc_info=True)
