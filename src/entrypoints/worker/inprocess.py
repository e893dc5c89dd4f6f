"""The in-process worker: runs jobs as asyncio tasks in this process, retrying with backoff.

Used when no broker is configured (``alora serve`` alone runs everything), and inline (each
job awaited at once, retries without waiting) by ``bootstrap.build_in_memory`` so that a
program or test sees the effects of a command as soon as it returns.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from adapters.outages import OutageLog
from alora_core.shared.jobs import Job, JobDeferred

logger = logging.getLogger("alora.worker")

MAX_BACKOFF_SECONDS = 300.0
OUTAGE_FIRST_WAIT_SECONDS = 1.0

RunJob = Callable[[Job, int], Awaitable[str]]
"""``run(job, attempt)``: raises to be retried (``JobDeferred``: as the same attempt, once an
outage ends), returns once the job is done or dead."""


class InProcessJobQueue:
    def __init__(
        self,
        run: RunJob,
        *,
        concurrency: int,
        backoff_seconds: float,
        inline: bool = False,
        on_finished: Callable[[], None] | None = None,
    ) -> None:
        self._run = run
        self._slots = asyncio.Semaphore(concurrency)
        self._backoff_seconds = backoff_seconds
        self._inline = inline
        self._on_finished = on_finished
        self._tasks: set[asyncio.Task[None]] = set()
        self._outages = OutageLog(logger, "the in-process worker")

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    async def enqueue(self, jobs: Sequence[Job]) -> None:
        for job in jobs:
            if self._inline:
                await self._run_until_settled(job)
            else:
                task = asyncio.create_task(self._run_until_settled(job))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _run_until_settled(self, job: Job) -> None:
        attempt = waits = 0
        while True:
            try:
                async with self._slots:
                    await self._run(job, attempt)
            except JobDeferred as deferred:
                delay = min(OUTAGE_FIRST_WAIT_SECONDS * 2**waits, MAX_BACKOFF_SECONDS)
                waits += 1
                self._outages.failed(deferred.outage, delay)
                await asyncio.sleep(delay)
            except Exception:
                delay = min(self._backoff_seconds * 2**attempt, MAX_BACKOFF_SECONDS)
                attempt += 1
                if not self._inline:
                    await asyncio.sleep(delay)
            else:
                self._outages.succeeded()
                if self._on_finished is not None:
                    self._on_finished()
                return

    async def close(self, grace_seconds: float) -> None:
        """Let running jobs finish for up to ``grace_seconds``, then cancel the rest (their
        outbox rows stay, so they run again later)."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=grace_seconds)
        for task in pending:
            task.cancel()
        if pending:
            logger.warning("%d job(s) did not finish before shutdown", len(pending))
            await asyncio.wait(pending)
