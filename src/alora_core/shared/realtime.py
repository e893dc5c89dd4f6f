"""The real-time port: push an event to every socket listening on a topic, in any process.

Topics are strings: ``user:<id>`` reaches every socket of one user; other contexts add their
own (``presence:<id>``, ``conversation:<id>`` ...) and say who may subscribe to them; when
that may have narrowed, they publish ``ACCESS_CHANGED`` on the topic.
``Coalescing`` sends a high-rate topic's latest state a few times a second instead of every
change.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, NamedTuple, Protocol

logger = logging.getLogger("alora.realtime")


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


ACCESS_CHANGED = "access.changed"
"""Published (with empty data) on a topic when who may follow it may have narrowed: a user
hid their presence, a member left a conversation ... Every socket following the topic, on every
process, asks the topic's rule again at once and stops following it when refused. Never
forwarded to clients."""


Schedule = Callable[[float, Callable[[], Coroutine[Any, Any, object]]], None]
"""``schedule(delay, flush)``: await ``flush()`` about ``delay`` seconds from now."""


class Coalescing:
    """Pushes of a high-rate topic (live poll results ...) through ``realtime``, at most once per
    window: what is offered for a topic and event replaces what was offered before within the
    window, and when the window ends the latest of each goes out, all in one ``publish_many``.

    Subscribers thus see the latest state a few times a second, whatever the rate of changes,
    at most ``window_seconds`` late. Offer only state that replaces itself (the current
    tallies), never messages each of which counts. One per process, shared by the commits of
    that process (its after-commit hooks call ``offer``).

    ``schedule`` is how the end of a window is awaited: by default a timer of the running event
    loop; tests pass one of their own and run ``flush`` when they choose.
    """

    def __init__(
        self,
        realtime: Realtime,
        window_seconds: float = 0.1,
        *,
        schedule: Schedule | None = None,
    ) -> None:
        if window_seconds <= 0:
            raise ValueError("the window must be longer than nothing")
        self._realtime = realtime
        self._window = window_seconds
        self._schedule = schedule or self._on_the_loop
        self._pending: dict[tuple[str, str], Push] = {}
        self._timers: set[asyncio.TimerHandle] = set()
        self._tasks: set[asyncio.Task[object]] = set()

    @property
    def pending(self) -> list[Push]:
        """What the next flush sends, in the order topics were first offered in this window."""
        return list(self._pending.values())

    def offer(self, topic: str, event: str, data: dict[str, Any]) -> None:
        """Send ``{"event": event, "data": data}`` to ``topic`` at the end of the window,
        unless a newer ``data`` for the same topic and event comes first."""
        window_open = bool(self._pending)
        self._pending[(topic, event)] = Push(topic, event, data)
        if not window_open:
            self._schedule(self._window, self.flush)

    async def flush(self) -> int:
        """Publish what is pending now; how many pushes went (the window closes)."""
        pushes, self._pending = list(self._pending.values()), {}
        if pushes:
            try:
                await self._realtime.publish_many(pushes)
            except Exception:  # best effort, like the port; never into the timer's task
                logger.warning("%d coalesced push(es) not published", len(pushes), exc_info=True)
        return len(pushes)

    async def aclose(self) -> None:
        """Send what is pending and stop the timers (at shutdown)."""
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.flush()

    def _on_the_loop(self, delay: float, flush: Callable[[], Coroutine[Any, Any, object]]) -> None:
        loop = asyncio.get_running_loop()

        def start() -> None:
            self._timers.discard(timer)
            task = loop.create_task(flush())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        timer = loop.call_later(delay, start)
        self._timers.add(timer)
