"""The outbox and the job bookkeeping, on memory, SQLite and PostgreSQL; then what only a real
database can show: concurrent deliveries of one job and concurrent relays (PostgreSQL).

Events are recorded on a user through identity's unit of work (an event needs an aggregate);
the job records are the base unit of work's (``MemoryUnitOfWork`` / ``SqlUnitOfWork``), which
every context's unit of work extends. ``source`` is the relay's view of the same outbox.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
from attrs import define

from adapters.memory.identity.uow import MemoryIdentityUnitOfWork
from adapters.memory.jobs import MemoryOutboxSource
from adapters.memory.uow import MemoryUnitOfWork
from adapters.sqlalchemy.database import create_engine
from adapters.sqlalchemy.identity.uow import SqlIdentityUnitOfWork
from adapters.sqlalchemy.jobs import SqlOutboxSource
from adapters.sqlalchemy.uow import SqlUnitOfWork, session_factory
from alora_core.identity.events import UserUpdated
from alora_core.identity.model import Role, User
from alora_core.shared.clock import FixedClock
from alora_core.shared.errors import DatabaseUnavailable
from alora_core.shared.events import EventRecorder
from alora_core.shared.jobs import Job, JobDeferred, Subscriptions, run_job
from entrypoints.bootstrap import memory_store
from entrypoints.worker import inprocess
from entrypoints.worker.inprocess import InProcessJobQueue
from support.backends import Backend

NOW = datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)
LATER = timedelta(minutes=10)

HandlersOf = Callable[[Any], list[str]]


@define
class Outbox:
    identity: Callable[[HandlersOf], Any]
    """Identity's unit of work, given who handles which event: events are recorded on users."""
    base: Callable[[HandlersOf], Any]
    """The base unit of work: the job records."""
    source: Any
    user_id: uuid.UUID
    """An existing user's id: events need an aggregate to be recorded on."""

    def uow_factory(self, subscriptions: Subscriptions) -> Callable[[], Any]:
        return lambda: self.base(subscriptions.handlers_of)

    def subscribe(self, subscriptions: Subscriptions, handler: str, handle: Any) -> None:
        """Subscribe ``handle`` to ``UserUpdated``, run in a base unit of work."""
        in_context = subscriptions.in_context(self.uow_factory(subscriptions))
        in_context.add(UserUpdated, handler, handle)


def nobody(_event: Any) -> list[str]:
    return []


@pytest.fixture
async def outbox(backend: Backend) -> AsyncIterator[Outbox]:
    if not backend.sql:
        store = memory_store()
        found = Outbox(
            partial(MemoryIdentityUnitOfWork, store),
            partial(MemoryUnitOfWork, store),
            MemoryOutboxSource(store),
            await add_user(MemoryIdentityUnitOfWork(store)),
        )
        yield found
        return
    assert backend.database_url is not None
    engine = create_engine(backend.database_url)
    sessions = session_factory(engine)
    try:
        yield Outbox(
            partial(SqlIdentityUnitOfWork, sessions),
            partial(SqlUnitOfWork, sessions),
            SqlOutboxSource(engine),
            await add_user(SqlIdentityUnitOfWork(sessions)),
        )
    finally:
        await engine.dispose()


async def add_user(uow: Any) -> uuid.UUID:
    """Add a user for events to be recorded on; returns its id."""
    tag = uuid.uuid4().hex[:10]
    user = User(
        full_name="Jo Example",
        username=f"jo{tag}",
        email=f"jo{tag}@example.com",
        phone=None,
        password_hash="hash",
        role=Role.CUSTOMER,
        created_at=NOW,
    )
    async with uow:
        await uow.users.add(user)
        await uow.commit()
    return user.id


def updated(user_id: uuid.UUID) -> UserUpdated:
    return UserUpdated(occurred_at=NOW, user_id=user_id, fields=["bio"])


async def commit_event(outbox: Outbox, handlers: list[str]) -> UserUpdated:
    """Record one event on the user and commit it, with ``handlers`` subscribed to it."""
    event = updated(outbox.user_id)
    uow = outbox.identity(lambda e: handlers if e.name == event.name else [])
    async with uow:
        user = await uow.users.get(outbox.user_id)
        assert isinstance(user, EventRecorder)
        user.record(event)
        await uow.commit()
    return event


async def take_all(outbox: Outbox, now: datetime = NOW) -> list[Job]:
    return await outbox.source.take(100, now, LATER)


async def test_commit_writes_one_outbox_job_per_subscribed_handler(outbox: Outbox) -> None:
    event = await commit_event(outbox, ["a.first", "a.second"])
    jobs = await take_all(outbox)
    assert sorted(job.handler for job in jobs) == ["a.first", "a.second"]
    assert {job.event_id for job in jobs} == {event.event_id}
    assert all(job.event["name"] == "user.updated" for job in jobs)
    assert await take_all(outbox) == []  # taken jobs wait for their redelivery time


async def test_an_event_nobody_handles_leaves_no_outbox_row(outbox: Outbox) -> None:
    await commit_event(outbox, [])
    assert await take_all(outbox) == []


async def test_rolled_back_work_leaves_no_outbox_row(outbox: Outbox) -> None:
    uow = outbox.identity(lambda _name: ["a.handler"])
    async with uow:
        user = await uow.users.get(outbox.user_id)
        user.record(updated(outbox.user_id))
    assert await take_all(outbox) == []


async def test_unfinished_jobs_are_taken_again_after_the_redelivery_time(outbox: Outbox) -> None:
    await commit_event(outbox, ["a.handler"])
    [job] = await take_all(outbox)
    assert await take_all(outbox, NOW + LATER / 2) == []
    [again] = await take_all(outbox, NOW + LATER * 2)
    assert again.id == job.id


async def test_released_jobs_are_due_at_once(outbox: Outbox) -> None:
    await commit_event(outbox, ["a.handler"])
    jobs = await take_all(outbox)
    await outbox.source.release(jobs)
    assert [job.id for job in await take_all(outbox)] == [job.id for job in jobs]


async def test_a_job_runs_once_however_often_it_is_delivered(outbox: Outbox) -> None:
    await commit_event(outbox, ["a.handler"])
    [job] = await take_all(outbox)
    seen: list[uuid.UUID] = []

    async def handler(event: UserUpdated, uow: Any) -> None:
        seen.append(event.event_id)

    subscriptions = Subscriptions()
    outbox.subscribe(subscriptions, "a.handler", handler)
    uow_factory = outbox.uow_factory(subscriptions)
    run = _runner(subscriptions, uow_factory)
    assert await run(job, 0) == "done"
    assert await run(job, 0) == "duplicate"
    assert len(seen) == 1
    async with uow_factory().reading() as uow:
        stats = await uow.jobs.stats(NOW)
    assert (stats.pending, stats.dead) == (0, 0)


async def test_a_failing_job_is_retried_then_buried_and_can_be_resurrected(
    outbox: Outbox,
) -> None:
    event = await commit_event(outbox, ["a.flaky"])
    [job] = await take_all(outbox)
    calls: list[int] = []

    async def flaky(event: UserUpdated, uow: Any) -> None:
        calls.append(1)
        if len(calls) <= 3:
            raise RuntimeError("the mail server is down")

    subscriptions = Subscriptions()
    outbox.subscribe(subscriptions, "a.flaky", flaky)
    uow_factory = outbox.uow_factory(subscriptions)
    run = _runner(subscriptions, uow_factory, max_attempts=3)
    for attempt in (0, 1):
        try:
            await run(job, attempt)
        except RuntimeError:
            pass
        else:
            raise AssertionError("a failing attempt before the last must raise")
    assert await run(job, 2) == "dead"

    async with uow_factory().reading() as uow:
        stats = await uow.jobs.stats(NOW)
        dead, total = await uow.jobs.dead(0, 10)
    assert (stats.pending, stats.dead, total) == (0, 1, 1)
    [buried] = dead
    assert (buried.handler, buried.event_id, buried.attempts) == ("a.flaky", event.event_id, 3)
    assert "the mail server is down" in buried.error

    async with uow_factory() as uow:
        assert await uow.jobs.resurrect(uuid.uuid4(), NOW) is None
        assert (await uow.jobs.resurrect(buried.id, NOW)) is not None
        await uow.commit()
    [retried] = await take_all(outbox)
    assert (retried.handler, retried.event_id) == ("a.flaky", event.event_id)
    assert await run(retried, 0) == "done"
    async with uow_factory().reading() as uow:
        stats = await uow.jobs.stats(NOW)
    assert (stats.pending, stats.dead) == (0, 0)


async def test_an_outage_defers_a_job_without_spending_an_attempt_or_a_log_line(
    outbox: Outbox, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.INFO)
    monkeypatch.setattr(inprocess, "OUTAGE_FIRST_WAIT_SECONDS", 0)
    await commit_event(outbox, ["a.waiting"])
    [job] = await take_all(outbox)
    outage: list[bool] = [True, True, True]

    async def waiting(event: UserUpdated, uow: Any) -> None:
        if outage and outage.pop():
            raise RuntimeError("lost the connection") from DatabaseUnavailable("database away")

    subscriptions = Subscriptions()
    outbox.subscribe(subscriptions, "a.waiting", waiting)
    uow_factory = outbox.uow_factory(subscriptions)
    run = _runner(subscriptions, uow_factory, max_attempts=1)
    with pytest.raises(JobDeferred):
        await run(job, 0)  # the last attempt: an outage does not bury the job
    assert not [r for r in caplog.records if r.name == "alora.jobs"]

    attempts: list[int] = []

    async def counted(job: Job, attempt: int) -> str:
        attempts.append(attempt)
        return await run(job, attempt)

    await InProcessJobQueue(counted, concurrency=1, backoff_seconds=0, inline=True).enqueue(
        [job]
    )  # two more outages, then the job runs, still as its first attempt
    assert attempts == [0, 0, 0]
    async with uow_factory().reading() as uow:
        stats = await uow.jobs.stats(NOW)
    assert (stats.pending, stats.dead) == (0, 0)
    waiting_lines = [r for r in caplog.records if r.name == "alora.worker"]
    assert [r.levelname for r in waiting_lines] == ["WARNING", "INFO"]  # one outage, its end


async def test_a_job_for_an_unknown_handler_is_buried_at_once(outbox: Outbox) -> None:
    await commit_event(outbox, ["a.retired"])
    [job] = await take_all(outbox)
    subscriptions = Subscriptions()
    uow_factory = outbox.uow_factory(subscriptions)
    assert await _runner(subscriptions, uow_factory)(job, 0) == "dead"
    async with uow_factory().reading() as uow:
        dead, _ = await uow.jobs.dead(0, 10)
    assert "a.retired" in dead[0].error


async def test_stats_report_the_oldest_waiting_job(outbox: Outbox) -> None:
    async with outbox.base(nobody).reading() as uow:
        empty = await uow.jobs.stats(NOW)
    assert (empty.pending, empty.oldest_pending_age_seconds) == (0, None)
    await commit_event(outbox, ["a.one", "a.two"])
    async with outbox.base(nobody).reading() as uow:
        stats = await uow.jobs.stats(NOW + timedelta(seconds=90))
    assert stats.pending == 2
    assert stats.oldest_pending_age_seconds == 90


@pytest.mark.memory
def test_a_subscription_with_a_condition_gets_jobs_only_for_the_events_it_accepts() -> None:
    async def handle(event: UserUpdated, uow: Any) -> None:
        return None

    subscriptions = Subscriptions()
    in_context = subscriptions.in_context(lambda: None)
    in_context.add(UserUpdated, "a.always", handle)
    in_context.add(UserUpdated, "a.bio_only", handle, when=lambda e: "bio" in e.fields)
    bio = UserUpdated(occurred_at=NOW, user_id=uuid.uuid4(), fields=["bio"])
    name = UserUpdated(occurred_at=NOW, user_id=uuid.uuid4(), fields=["full_name"])
    assert subscriptions.handlers_of(bio) == ["a.always", "a.bio_only"]
    assert subscriptions.handlers_of(name) == ["a.always"]
    assert subscriptions.handlers_for("user.updated") == ["a.always", "a.bio_only"]


# --- PostgreSQL: concurrent deliveries and relays ---------------------------------------------

ON_POSTGRES = pytest.mark.parametrize(
    "_backend_database", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


@ON_POSTGRES
async def test_concurrent_deliveries_of_one_job_run_its_handler_once(outbox: Outbox) -> None:
    await commit_event(outbox, ["a.slow"])
    [job] = await take_all(outbox)
    runs = 0

    async def slow(event: UserUpdated, uow: Any) -> None:
        nonlocal runs
        runs += 1
        await asyncio.sleep(0.2)  # both deliveries are in flight at once

    subscriptions = Subscriptions()
    outbox.subscribe(subscriptions, "a.slow", slow)
    deliver = _runner(subscriptions, outbox.uow_factory(subscriptions))
    outcomes = await asyncio.gather(deliver(job, 0), deliver(job, 0))
    assert sorted(outcomes) == ["done", "duplicate"]
    assert runs == 1


@ON_POSTGRES
async def test_concurrent_relays_never_take_the_same_job(outbox: Outbox) -> None:
    for _ in range(20):
        await commit_event(outbox, ["a.one", "a.two"])
    batches = await asyncio.gather(
        *(outbox.source.take(7, NOW, timedelta(minutes=10)) for _ in range(8))
    )
    taken = [job.id for batch in batches for job in batch]
    assert len(taken) == len(set(taken)) == 40


def _runner(
    subscriptions: Subscriptions, uow_factory: Callable[[], Any], max_attempts: int = 5
) -> Callable[[Job, int], Any]:
    async def run(job: Job, attempt: int) -> str:
        return await run_job(
            job,
            attempt=attempt,
            max_attempts=max_attempts,
            subscriptions=subscriptions,
            uow_factory=uow_factory,
            clock=FixedClock(NOW),
        )

    return run
