"""The outbox and job bookkeeping contract, run on memory, SQLite and PostgreSQL.

A module that imports these tests provides ``backend``: a ``JobsBackend`` whose
``uow_factory(handlers_of)`` makes units of work and whose ``source`` is the relay's view of
the same outbox.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from attrs import define

from alora_core.identity.events import UserUpdated
from alora_core.identity.model import Role, User
from alora_core.shared.clock import FixedClock
from alora_core.shared.events import EventRecorder
from alora_core.shared.jobs import Job, Subscriptions, run_job

NOW = datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)
LATER = timedelta(minutes=10)


@define
class JobsBackend:
    uow_factory: Callable[[Callable[[str], list[str]]], Any]
    source: Any
    user_id: uuid.UUID
    """An existing user's id: events need an aggregate to be recorded on."""


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


async def commit_event(backend: JobsBackend, handlers: list[str]) -> UserUpdated:
    """Record one event on the user and commit it, with ``handlers`` subscribed to it."""
    event = updated(backend.user_id)
    uow = backend.uow_factory(lambda e: handlers if e.name == event.name else [])
    async with uow:
        user = await uow.users.get(backend.user_id)
        assert isinstance(user, EventRecorder)
        user.record(event)
        await uow.commit()
    return event


async def take_all(backend: JobsBackend, now: datetime = NOW) -> list[Job]:
    return await backend.source.take(100, now, LATER)


async def test_commit_writes_one_outbox_job_per_subscribed_handler(backend: JobsBackend) -> None:
    event = await commit_event(backend, ["a.first", "a.second"])
    jobs = await take_all(backend)
    assert sorted(job.handler for job in jobs) == ["a.first", "a.second"]
    assert {job.event_id for job in jobs} == {event.event_id}
    assert all(job.event["name"] == "user.updated" for job in jobs)
    assert await take_all(backend) == []  # taken jobs wait for their redelivery time


async def test_an_event_nobody_handles_leaves_no_outbox_row(backend: JobsBackend) -> None:
    await commit_event(backend, [])
    assert await take_all(backend) == []


async def test_rolled_back_work_leaves_no_outbox_row(backend: JobsBackend) -> None:
    uow = backend.uow_factory(lambda _name: ["a.handler"])
    async with uow:
        user = await uow.users.get(backend.user_id)
        user.record(updated(backend.user_id))
    assert await take_all(backend) == []


async def test_unfinished_jobs_are_taken_again_after_the_redelivery_time(
    backend: JobsBackend,
) -> None:
    await commit_event(backend, ["a.handler"])
    [job] = await take_all(backend)
    assert await take_all(backend, NOW + LATER / 2) == []
    [again] = await take_all(backend, NOW + LATER * 2)
    assert again.id == job.id


async def test_released_jobs_are_due_at_once(backend: JobsBackend) -> None:
    await commit_event(backend, ["a.handler"])
    jobs = await take_all(backend)
    await backend.source.release(jobs)
    assert [job.id for job in await take_all(backend)] == [job.id for job in jobs]


async def test_a_job_runs_once_however_often_it_is_delivered(backend: JobsBackend) -> None:
    await commit_event(backend, ["a.handler"])
    [job] = await take_all(backend)
    seen: list[uuid.UUID] = []

    async def handler(event: UserUpdated, uow: Any) -> None:
        seen.append(event.event_id)

    subscriptions = Subscriptions()
    subscriptions.add(UserUpdated, "a.handler", handler)
    uow_factory = _factory(backend, subscriptions)
    run = _runner(subscriptions, uow_factory)
    assert await run(job, 0) == "done"
    assert await run(job, 0) == "duplicate"
    assert len(seen) == 1
    async with uow_factory().reading() as uow:
        stats = await uow.jobs.stats(NOW)
    assert (stats.pending, stats.dead) == (0, 0)


async def test_a_failing_job_is_retried_then_buried_and_can_be_resurrected(
    backend: JobsBackend,
) -> None:
    event = await commit_event(backend, ["a.flaky"])
    [job] = await take_all(backend)
    calls: list[int] = []

    async def flaky(event: UserUpdated, uow: Any) -> None:
        calls.append(1)
        if len(calls) <= 3:
            raise RuntimeError("the mail server is down")

    subscriptions = Subscriptions()
    subscriptions.add(UserUpdated, "a.flaky", flaky)
    uow_factory = _factory(backend, subscriptions)
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
    [retried] = await take_all(backend)
    assert (retried.handler, retried.event_id) == ("a.flaky", event.event_id)
    assert await run(retried, 0) == "done"
    async with uow_factory().reading() as uow:
        stats = await uow.jobs.stats(NOW)
    assert (stats.pending, stats.dead) == (0, 0)


async def test_a_job_for_an_unknown_handler_is_buried_at_once(backend: JobsBackend) -> None:
    await commit_event(backend, ["a.retired"])
    [job] = await take_all(backend)
    subscriptions = Subscriptions()
    uow_factory = _factory(backend, subscriptions)
    assert await _runner(subscriptions, uow_factory)(job, 0) == "dead"
    async with uow_factory().reading() as uow:
        dead, _ = await uow.jobs.dead(0, 10)
    assert "a.retired" in dead[0].error


async def test_stats_report_the_oldest_waiting_job(backend: JobsBackend) -> None:
    uow_factory = backend.uow_factory(lambda _name: [])
    async with uow_factory.reading() as uow:
        empty = await uow.jobs.stats(NOW)
    assert (empty.pending, empty.oldest_pending_age_seconds) == (0, None)
    await commit_event(backend, ["a.one", "a.two"])
    async with backend.uow_factory(lambda _name: []).reading() as uow:
        stats = await uow.jobs.stats(NOW + timedelta(seconds=90))
    assert stats.pending == 2
    assert stats.oldest_pending_age_seconds == 90


def _factory(backend: JobsBackend, subscriptions: Subscriptions) -> Callable[[], Any]:
    return lambda: backend.uow_factory(subscriptions.handlers_of)


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
