"""dramatiq on Redis: the queues, the messages the relay and the scheduler send, the nudges.

Two queues: ``alora-jobs`` carries outbox jobs (actor ``alora_run_job``: the outbox row id,
the handler name and the event as JSON) and ``alora-scheduled`` carries scheduled jobs (actor
``alora_scheduled_job``: the job name and the time it was due). Workers declare the actors
(``entrypoints.worker.process``); senders only need the broker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.common import dq_name
from dramatiq.middleware import AsyncIO, CurrentMessage

from alora_core.shared.jobs import Job
from entrypoints.settings import Settings

logger = logging.getLogger("alora.broker")

JOBS_QUEUE = "alora-jobs"
SCHEDULED_QUEUE = "alora-scheduled"
RUN_JOB_ACTOR = "alora_run_job"
SCHEDULED_JOB_ACTOR = "alora_scheduled_job"
NUDGE_CHANNEL = "alora:outbox"
"""Redis pub/sub channel on which a process that committed events wakes the relays."""
WORKER_SEEN_KEY = "alora:worker:seen"
"""When an ``alora worker`` last started (ISO 8601): the API warns while there was never one."""
NEVER_SEEN = "never-seen"


def make_broker(settings: Settings, *, middleware: Sequence[Any] = ()) -> RedisBroker:
    broker = RedisBroker(url=settings.redis_url)  # type: ignore[no-untyped-call]
    broker.add_middleware(CurrentMessage())
    for extra in middleware:
        broker.add_middleware(extra)
    broker.declare_queue(JOBS_QUEUE)
    broker.declare_queue(SCHEDULED_QUEUE)
    return broker


def worker_middleware() -> list[Any]:
    """What a worker adds to the broker: an event loop thread for the async actors."""
    return [AsyncIO()]


class DramatiqJobQueue:
    """The ``JobQueue`` of a deployment with workers: jobs become dramatiq messages."""

    def __init__(self, broker: RedisBroker) -> None:
        self._broker = broker

    async def enqueue(self, jobs: Sequence[Job]) -> None:
        messages: list[dramatiq.Message[Any]] = [
            dramatiq.Message(
                queue_name=JOBS_QUEUE,
                actor_name=RUN_JOB_ACTOR,
                args=(str(job.id), job.handler, job.event),
                kwargs={},
                options={},
            )
            for job in jobs
        ]
        await asyncio.to_thread(self._send, messages)

    def _send(self, messages: list[dramatiq.Message[Any]]) -> None:
        for message in messages:
            self._broker.enqueue(message)

    async def depths(self) -> dict[str, int]:
        """Messages waiting in each queue (delayed retries included)."""
        return await asyncio.to_thread(self._depths)

    def _depths(self) -> dict[str, int]:
        # dramatiq keeps each queue's unacknowledged messages in a hash: waiting, running,
        # and (in the ``.DQ`` queue) waiting for a retry.
        client = self._broker.client
        namespace = self._broker.namespace
        return {
            queue: sum(
                int(client.hlen(f"{namespace}:{name}.msgs")) for name in (queue, dq_name(queue))
            )
            for queue in (JOBS_QUEUE, SCHEDULED_QUEUE)
        }


async def send_scheduled(broker: RedisBroker, name: str, scheduled_for: datetime) -> None:
    message: dramatiq.Message[Any] = dramatiq.Message(
        queue_name=SCHEDULED_QUEUE,
        actor_name=SCHEDULED_JOB_ACTOR,
        args=(name, scheduled_for.isoformat()),
        kwargs={},
        options={},
    )
    await asyncio.to_thread(broker.enqueue, message)


async def nudge_relays(redis: Any) -> None:
    """Wake the relays of every process now rather than at their next poll (best effort)."""
    with contextlib.suppress(Exception):
        await redis.publish(NUDGE_CHANNEL, b"1")


async def listen_for_nudges(redis: Any, wake: Any, stop: asyncio.Event) -> None:
    """Call ``wake()`` on each nudge until ``stop``; reconnects after Redis comes back."""
    while not stop.is_set():
        try:
            async with redis.pubsub() as pubsub:
                await pubsub.subscribe(NUDGE_CHANNEL)
                while not stop.is_set():
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
                    if message is not None:
                        wake()
        except Exception:
            logger.debug("nudge listener lost Redis; retrying", exc_info=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=1)


async def mark_worker_seen(redis: Any, now: datetime) -> None:
    """Record that a worker started, for ``worker_never_seen``."""
    await redis.set(WORKER_SEEN_KEY, now.isoformat())


async def worker_never_seen(redis: Any) -> str | None:
    """``never-seen`` while no ``alora worker`` ever started on this Redis, else None: a
    readiness note (jobs wait in the outbox until one runs), not a failure."""
    return NEVER_SEEN if not await redis.exists(WORKER_SEEN_KEY) else None
