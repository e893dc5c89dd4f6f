"""How a composed Alora hands on the jobs its commands leave in the outbox.

The relay takes them from the outbox to a queue: this process's (``InProcessJobQueue``), or
the dramatiq broker on Redis for ``alora worker`` processes. After each command the bus tells
the relay that there are new jobs: it wakes it, or, when jobs run inline, drains it before
``bus.handle`` returns.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import Any

from attrs import frozen

from alora_core.shared.clock import Clock
from alora_core.shared.events import DomainEvent
from alora_core.shared.jobs import Job, JobQueue
from entrypoints.platform import redis_ping
from entrypoints.settings import Settings, SettingsError
from entrypoints.worker.inprocess import InProcessJobQueue
from entrypoints.worker.relay import OutboxSource, Relay

RunJob = Callable[[Job, int], Awaitable[str]]
JobsAdded = Callable[[list[DomainEvent]], Awaitable[None]]


@frozen
class JobsWiring:
    relay: Relay
    queue_depths: Callable[[], Awaitable[dict[str, int]]]
    """Jobs waiting or running in each queue (the broker's, or this process's worker)."""
    jobs_added: JobsAdded
    """Tells the relay that the outbox has new jobs (the bus calls it after each command)."""


def inline(source: OutboxSource, run: RunJob, clock: Clock) -> JobsWiring:
    """Every job of a command runs, one at a time, before ``bus.handle`` returns."""
    queue = InProcessJobQueue(run, concurrency=1, backoff_seconds=0, inline=True)

    async def queue_depths() -> dict[str, int]:
        return {"in-process": queue.in_flight}

    relay = Relay(
        source,
        queue,
        clock,
        poll_seconds=0.5,
        redeliver_after=timedelta(minutes=10),
    )

    async def drain(_events: list[DomainEvent]) -> None:
        await relay.drain()

    return JobsWiring(relay, queue_depths, drain)


def configured(
    settings: Settings,
    source: OutboxSource,
    run: RunJob,
    clock: Clock,
    *,
    inline: bool,
    redis: Any,
    closers: list[Callable[[], Awaitable[Any]]],
    checks: dict[str, Callable[[], Awaitable[str | None]]],
) -> JobsWiring:
    """The jobs as ``settings.background`` says: in this process, or on the dramatiq broker
    (which needs ``redis``). ``inline`` runs them in this process before ``bus.handle``
    returns. Adds the queue's closer to ``closers`` and its readiness checks to ``checks``."""
    queue: JobQueue
    on_events: JobsAdded
    if inline or settings.background == "inprocess":
        in_process = InProcessJobQueue(
            run,
            concurrency=settings.worker_concurrency,
            backoff_seconds=settings.job_backoff_seconds,
            inline=inline,
            on_finished=lambda: relay.wake(),
        )
        closers.append(partial(in_process.close, settings.shutdown_timeout_seconds))
        checks["broker"] = _always_ready
        queue = in_process

        async def queue_depths() -> dict[str, int]:
            return {"in-process": in_process.in_flight}

        async def on_events(_events: list[DomainEvent]) -> None:
            if inline:
                await relay.drain()
            else:
                relay.wake()

    else:
        from entrypoints.worker.broker import (
            DramatiqJobQueue,
            make_broker,
            nudge_relays,
            worker_never_seen,
        )

        if redis is None:
            raise SettingsError("ALORA_BACKGROUND=external needs ALORA_REDIS_URL")
        broker = make_broker(settings)
        queue = dramatiq_queue = DramatiqJobQueue(broker)
        queue_depths = dramatiq_queue.depths
        checks["broker"] = partial(redis_ping, redis)
        checks["worker"] = partial(worker_never_seen, redis)

        async def on_events(_events: list[DomainEvent]) -> None:
            relay.wake()
            await nudge_relays(redis)

    relay = Relay(
        source,
        queue,
        clock,
        poll_seconds=settings.relay_poll_seconds,
        redeliver_after=timedelta(seconds=settings.outbox_redeliver_seconds),
    )
    return JobsWiring(relay, queue_depths, on_events)


async def _always_ready() -> None:
    return None
