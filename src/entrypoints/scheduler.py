"""Scheduled jobs, and the scheduler that starts them on their cron schedules.

Each context's module declares its jobs (``ContextModule.jobs``); ``scheduled_jobs`` lists
them all. Each one's ``run(alora, scheduled_for)`` does its work through the message bus and
returns a one-line summary; ``run_scheduled`` runs one by name. Every job is idempotent:
running it twice, or twice at once, does the work once.

A ``Scheduler`` computes each job's next fire time from its cron expression (croniter, UTC;
``ALORA_CRON_<JOB>`` overrides the default) and hands due jobs to a ``dispatch`` function:
``alora scheduler`` enqueues them on the broker for ``alora worker`` processes, which call
``run_scheduled``; the embedded default uses ``InProcessDispatch`` to run them in this
process. Run one scheduler per deployment: a second one would dispatch every tick twice,
which the jobs survive but which is work for nothing.

A tick missed while the process was busy, asleep or suspended fires once when the scheduler
wakes, with the latest missed time as ``scheduled_for``, never once per missed tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from attrs import frozen
from croniter import croniter

from adapters.outages import OutageLog, unavailable_from
from alora_core.shared.clock import Clock

if TYPE_CHECKING:
    from entrypoints.bootstrap import Alora
    from entrypoints.modules.base import ContextModule
    from entrypoints.settings import Settings

logger = logging.getLogger("alora.scheduler")

Dispatch = Callable[[str, datetime], Awaitable[None]]
"""``await dispatch(job_name, scheduled_for)``: start the job (enqueue it, or run it)."""

Wait = Callable[[asyncio.Event, float], Awaitable[None]]
"""``await wait(stop, seconds)``: return after ``seconds``, or sooner once ``stop`` is set."""

MAX_SLEEP_SECONDS = 60.0
"""The scheduler looks at the wall clock at least this often: the event loop's monotonic
clock may stand still while the machine is suspended, and the wall clock may be set."""


@frozen
class ScheduledJob:
    name: str
    description: str
    run: Callable[[Alora, datetime], Awaitable[str]]
    cron: str
    """The default schedule (UTC); ``ALORA_CRON_<NAME>`` replaces it."""


def scheduled_jobs(modules: Iterable[ContextModule]) -> dict[str, ScheduledJob]:
    """Every module's jobs, by name."""
    jobs: dict[str, ScheduledJob] = {}
    for module in modules:
        for job in module.jobs:
            if job.name in jobs:
                raise ValueError(f"two scheduled jobs are called {job.name!r}")
            jobs[job.name] = job
    return jobs


async def run_scheduled(alora: Alora, name: str, scheduled_for: datetime) -> str:
    """Run the scheduled job ``name`` now, as due at ``scheduled_for``; return its summary.

    ``KeyError`` for an unknown name. The job's own errors propagate (after a log line).
    """
    jobs = scheduled_jobs(alora.modules)
    try:
        job = jobs[name]
    except KeyError:
        raise KeyError(f"no scheduled job {name!r}; known: {', '.join(jobs)}") from None
    started = time.perf_counter()
    extra = {"job": name, "scheduled_for": scheduled_for.isoformat()}
    try:
        summary = await job.run(alora, scheduled_for)
    except Exception as exc:
        if (outage := unavailable_from(exc)) is not None:  # no traceback: nothing to debug
            logger.warning("scheduled job not run: %s", outage.reason, extra=extra)
        else:
            logger.exception("scheduled job failed", extra=extra)
        raise
    seconds = time.perf_counter() - started
    logger.info("scheduled job done: %s", summary, extra={**extra, "seconds": round(seconds, 3)})
    return summary


# --- the scheduler ----------------------------------------------------------------------------


def next_fire_time(cron: str, after: datetime) -> datetime:
    """The first time strictly after ``after`` that ``cron`` (read in UTC) names."""
    fire: datetime = croniter(cron, after.astimezone(UTC)).get_next(datetime)
    return fire.astimezone(UTC)


def latest_fire_time(cron: str, at_or_before: datetime) -> datetime:
    """The last time at or before ``at_or_before`` that ``cron`` (read in UTC) names."""
    start = at_or_before.astimezone(UTC) + timedelta(microseconds=1)
    fire: datetime = croniter(cron, start).get_prev(datetime)
    return fire.astimezone(UTC)


async def wait_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=max(0.0, seconds))


class Scheduler:
    """Dispatches each job when its cron schedule says, until ``stop`` is set.

    ``schedules`` maps job names to cron expressions (``settings.cron``); every job needs one.
    Due jobs are dispatched one after the other; a dispatch that raises is logged and the
    job waits for its next tick (a broker outage once when it starts and once when it ends).
    """

    def __init__(
        self,
        jobs: Iterable[ScheduledJob],
        schedules: Mapping[str, str],
        dispatch: Dispatch,
        clock: Clock,
        *,
        wait: Wait = wait_or_stop,
        max_sleep_seconds: float = MAX_SLEEP_SECONDS,
    ) -> None:
        self.jobs = {job.name: job for job in jobs}
        missing = [name for name in self.jobs if name not in schedules]
        if missing:
            raise ValueError(f"no schedule for job(s): {', '.join(missing)}")
        for name in self.jobs:
            if not croniter.is_valid(schedules[name]):
                raise ValueError(f"the schedule of {name} is no cron expression: {schedules[name]}")
        self.schedules = {name: schedules[name] for name in self.jobs}
        self._dispatch = dispatch
        self._clock = clock
        self._wait = wait
        self._max_sleep = max_sleep_seconds
        self._outages = OutageLog(logger, "dispatching scheduled jobs")

    def upcoming(self, now: datetime) -> list[tuple[str, datetime, str]]:
        """``(name, next fire time, cron)`` of every job, soonest first."""
        found = [(name, next_fire_time(cron, now), cron) for name, cron in self.schedules.items()]
        return sorted(found, key=lambda item: (item[1], item[0]))

    async def run(self, stop: asyncio.Event) -> None:
        now = self._clock.now()
        due_at = {name: next_fire_time(cron, now) for name, cron in self.schedules.items()}
        logger.info(
            "scheduler started",
            extra={"jobs": {name: at.isoformat() for name, at in due_at.items()}},
        )
        while not stop.is_set():
            now = self._clock.now()
            for name in [name for name, at in due_at.items() if at <= now]:
                if stop.is_set():
                    break
                cron = self.schedules[name]
                # The latest tick that passed: several missed ticks fire once.
                fire = max(due_at[name], latest_fire_time(cron, now))
                await self._fire(name, fire)
                due_at[name] = next_fire_time(cron, max(fire, now))
            if stop.is_set():
                break
            earliest = min(due_at.values(), default=None)
            seconds = self._max_sleep
            if earliest is not None:
                seconds = min(seconds, (earliest - self._clock.now()).total_seconds())
            if seconds > 0:
                await self._wait(stop, seconds)
        logger.info("scheduler stopped")

    async def _fire(self, name: str, fire: datetime) -> None:
        extra = {"job": name, "scheduled_for": fire.isoformat()}
        try:
            await self._dispatch(name, fire)
        except Exception as exc:
            if unavailable_from(exc) is not None:  # the next tick tries again
                self._outages.failed(exc, retry_in=0)
            else:
                logger.exception("could not dispatch a scheduled job", extra=extra)
        else:
            self._outages.succeeded()
            logger.info("scheduled job dispatched", extra=extra)


class InProcessDispatch:
    """Runs each dispatched job as a task of this process (the embedded default).

    A job still running when its next tick comes is not started a second time. ``drain``
    waits for the running ones at shutdown, for a bounded time.
    """

    def __init__(self, alora: Alora) -> None:
        self._alora = alora
        self._running: dict[str, asyncio.Task[None]] = {}

    @property
    def running(self) -> list[str]:
        return sorted(self._running)

    async def __call__(self, name: str, scheduled_for: datetime) -> None:
        if name in self._running:
            logger.warning("scheduled job still running; this tick is skipped", extra={"job": name})
            return
        task = asyncio.create_task(self._run(name, scheduled_for), name=f"scheduled:{name}")
        self._running[name] = task
        task.add_done_callback(lambda _: self._running.pop(name, None))

    async def _run(self, name: str, scheduled_for: datetime) -> None:
        with contextlib.suppress(Exception):  # run_scheduled has logged it
            await run_scheduled(self._alora, name, scheduled_for)

    async def drain(self, timeout_seconds: float) -> None:
        """Wait up to ``timeout_seconds`` for running jobs; cancel those still running."""
        tasks = list(self._running.values())
        if not tasks:
            return
        _, late = await asyncio.wait(tasks, timeout=timeout_seconds)
        for task in late:
            logger.warning("scheduled job cut short at shutdown", extra={"job": task.get_name()})
            task.cancel()
        if late:
            await asyncio.gather(*late, return_exceptions=True)


async def run_scheduler(
    alora: Alora,
    settings: Settings,
    dispatch: Dispatch | None = None,
    stop: asyncio.Event | None = None,
    *,
    handle_signals: bool = True,
) -> None:
    """Run the scheduler until ``stop`` is set (by SIGTERM or SIGINT with ``handle_signals``).

    ``dispatch`` None runs the jobs in this process (``InProcessDispatch``). At shutdown a
    dispatch under way, and then the jobs running here, may finish within
    ``settings.shutdown_timeout_seconds`` together; what is still running then is cancelled.
    """
    stop = stop if stop is not None else asyncio.Event()
    in_process: InProcessDispatch | None = None
    if dispatch is None:
        dispatch = in_process = InProcessDispatch(alora)
    jobs = scheduled_jobs(alora.modules).values()
    scheduler = Scheduler(jobs, settings.cron, dispatch, alora.clock)
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT) if handle_signals else ()
    for signum in signals:
        loop.add_signal_handler(signum, stop.set)
    task = asyncio.create_task(scheduler.run(stop))
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait([task, stopping], return_when=asyncio.FIRST_COMPLETED)
        if task.done() and not stop.is_set():
            task.result()  # the scheduler failed: raise its error
        logger.info("scheduler stopping; jobs under way may finish")
        deadline = loop.time() + settings.shutdown_timeout_seconds
        await asyncio.wait([task], timeout=settings.shutdown_timeout_seconds)
        if in_process is not None:
            await in_process.drain(max(0.0, deadline - loop.time()))
    finally:
        for pending in (task, stopping):
            pending.cancel()
        await asyncio.gather(task, stopping, return_exceptions=True)
        if in_process is not None:
            await in_process.drain(0)  # cancels what still runs if this was cut short
        for signum in signals:
            loop.remove_signal_handler(signum)


__all__ = [
    "InProcessDispatch",
    "ScheduledJob",
    "Scheduler",
    "latest_fire_time",
    "next_fire_time",
    "run_scheduled",
    "run_scheduler",
    "scheduled_jobs",
]
