"""The relay: moves jobs from the outbox to a job queue.

It drains the outbox whenever it is woken (a commit in this process, a job finishing, a nudge
from another process) and otherwise every ``poll_seconds``. A queue that refuses jobs (Redis
down) leaves them in the outbox; the relay backs off and tries again, so nothing is lost. A
database or Redis outage is logged once when it starts and once when it ends (``OutageLog``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from adapters.outages import OutageLog
from alora_core.shared.clock import Clock
from alora_core.shared.jobs import Job, JobQueue

logger = logging.getLogger("alora.relay")

MAX_BACKOFF_SECONDS = 30.0


class OutboxSource(Protocol):
    async def take(self, limit: int, now: datetime, redeliver_after: timedelta) -> list[Job]: ...

    async def release(self, jobs: Sequence[Job]) -> None: ...


class Relay:
    def __init__(
        self,
        source: OutboxSource,
        queue: JobQueue,
        clock: Clock,
        *,
        poll_seconds: float,
        redeliver_after: timedelta,
        batch_size: int = 200,
    ) -> None:
        self._source = source
        self._queue = queue
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._redeliver_after = redeliver_after
        self._batch_size = batch_size
        self._woken = asyncio.Event()
        self._lock = asyncio.Lock()
        self._log = OutageLog(logger, "the relay")

    def wake(self) -> None:
        self._woken.set()

    async def drain(self) -> int:
        """Hand every due job to the queue; returns how many. Raises if the queue refuses."""
        total = 0
        async with self._lock:  # one drain at a time in a process: no job taken twice here
            while True:
                jobs = await self._source.take(
                    self._batch_size, self._clock.now(), self._redeliver_after
                )
                if not jobs:
                    return total
                try:
                    await self._queue.enqueue(jobs)
                except BaseException:
                    with contextlib.suppress(Exception):
                        await self._source.release(jobs)
                    raise
                total += len(jobs)

    async def run(self, stop: asyncio.Event) -> None:
        """Drain until ``stop`` is set."""
        failures = 0
        while not stop.is_set():
            self._woken.clear()
            try:
                await self.drain()
            except Exception as exc:
                failures += 1
                delay = min(self._poll_seconds * 2**failures, MAX_BACKOFF_SECONDS)
                self._log.failed(exc, delay)
            else:
                failures = 0
                self._log.succeeded()
                delay = self._poll_seconds
            await _first_of(self._woken, stop, within=delay)


async def _first_of(*events: asyncio.Event, within: float) -> None:
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=within, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
