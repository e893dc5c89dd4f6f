"""The relay and the in-process worker, over the in-memory outbox."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.memory.jobs import MemoryOutboxSource, add_to_outbox
from adapters.memory.store import MemoryStore
from alora_core.identity.events import UserUpdated
from alora_core.shared.clock import FixedClock
from alora_core.shared.jobs import Job, jobs_for
from entrypoints.worker.inprocess import InProcessJobQueue
from entrypoints.worker.relay import Relay

NOW = datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)


def outbox_with(handlers: list[str], events: int = 1) -> MemoryStore:
    """A store whose outbox holds a job per handler for each of ``events`` events, as a unit of
    work's commit writes them."""
    store = MemoryStore()
    for _ in range(events):
        event = UserUpdated(occurred_at=NOW, user_id=uuid.uuid4(), fields=["bio"])
        add_to_outbox(store, jobs_for([event], lambda _event: handlers))
    return store


class RefusingQueue:
    """A broker that is down."""

    async def enqueue(self, jobs: Sequence[Job]) -> None:
        raise ConnectionError("broker unreachable")


class CollectingQueue:
    def __init__(self) -> None:
        self.jobs: list[Job] = []

    async def enqueue(self, jobs: Sequence[Job]) -> None:
        self.jobs.extend(jobs)


def relay_over(store: MemoryStore, queue: Any, poll: float = 0.01) -> Relay:
    return Relay(
        MemoryOutboxSource(store),
        queue,
        FixedClock(NOW),
        poll_seconds=poll,
        redeliver_after=timedelta(minutes=10),
        batch_size=3,
    )


async def test_drain_hands_every_due_job_over_in_batches() -> None:
    store = outbox_with(["a.one", "a.two"], events=4)
    queue = CollectingQueue()
    assert await relay_over(store, queue).drain() == 8
    assert len({job.id for job in queue.jobs}) == 8
    assert await relay_over(store, queue).drain() == 0  # all dispatched, none due yet


async def test_jobs_a_broker_refuses_stay_due_in_the_outbox() -> None:
    store = outbox_with(["a.one"], events=2)
    try:
        await relay_over(store, RefusingQueue()).drain()
    except ConnectionError:
        pass
    else:
        raise AssertionError("drain must raise when the queue refuses")
    assert all(row.dispatched_at is None for row in store.outbox.values())
    queue = CollectingQueue()
    assert await relay_over(store, queue).drain() == 2


async def test_run_keeps_trying_while_the_broker_is_down_and_stops_when_told() -> None:
    store = outbox_with(["a.one"])
    flaky = CollectingQueue()
    attempts = 0

    async def enqueue(jobs: Sequence[Job]) -> None:
        nonlocal attempts
        attempts += 1
        if attempts < 3:
            raise ConnectionError("broker unreachable")
        flaky.jobs.extend(jobs)

    flaky.enqueue = enqueue  # type: ignore[method-assign]
    relay = Relay(
        MemoryOutboxSource(store),
        flaky,
        FixedClock(NOW),
        poll_seconds=0.001,
        redeliver_after=timedelta(minutes=10),
    )
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    for _ in range(500):
        if flaky.jobs:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert attempts >= 3 and len(flaky.jobs) == 1


async def test_the_in_process_worker_retries_with_backoff_until_the_job_settles() -> None:
    outcomes = ["fail", "fail", "done"]
    attempts: list[int] = []
    finished = asyncio.Event()

    async def run(job: Job, attempt: int) -> str:
        attempts.append(attempt)
        if outcomes[attempt] == "fail":
            raise RuntimeError("not yet")
        return "done"

    queue = InProcessJobQueue(run, concurrency=2, backoff_seconds=0.001, on_finished=finished.set)
    await queue.enqueue([Job(id=NOW_ID, handler="a.one", event={})])
    await asyncio.wait_for(finished.wait(), 5)
    assert attempts == [0, 1, 2]
    assert queue.in_flight == 0


async def test_closing_the_in_process_worker_waits_then_cancels() -> None:
    started = asyncio.Event()

    async def run(job: Job, attempt: int) -> str:
        started.set()
        await asyncio.sleep(60)
        return "done"

    queue = InProcessJobQueue(run, concurrency=1, backoff_seconds=1)
    await queue.enqueue([Job(id=NOW_ID, handler="a.one", event={})])
    await started.wait()
    await queue.close(grace_seconds=0.05)
    assert queue.in_flight == 0


NOW_ID = uuid.UUID("01a1fe55-c7c1-7b7c-9776-ebfdcab2c6e2")
