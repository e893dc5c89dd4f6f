"""The outbox and job bookkeeping contract on SQLite and PostgreSQL, plus what only a real
database can show: concurrent deliveries of one job and concurrent relays."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from adapters.sqlalchemy.database import create_engine
from adapters.sqlalchemy.jobs import SqlOutboxSource
from adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork, session_factory
from alora_core.identity.events import UserUpdated
from alora_core.shared.clock import FixedClock
from alora_core.shared.jobs import Subscriptions, run_job
from suites.jobs_contract import *  # noqa: F403
from suites.jobs_contract import NOW, JobsBackend, add_user, commit_event, take_all


@pytest.fixture
async def backend(migrated_database_url: str) -> AsyncIterator[JobsBackend]:
    engine = create_engine(migrated_database_url)
    sessions = session_factory(engine)

    def uow_factory(handlers_of: Any) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(sessions, handlers_of)

    try:
        user_id = await add_user(uow_factory(lambda _name: []))
        yield JobsBackend(uow_factory, SqlOutboxSource(engine), user_id)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("_migratable_database_url", ["postgres"], indirect=True)
async def test_concurrent_deliveries_of_one_job_run_its_handler_once(
    backend: JobsBackend,
) -> None:
    await commit_event(backend, ["a.slow"])
    [job] = await take_all(backend)
    runs = 0

    async def slow(event: UserUpdated, uow: Any) -> None:
        nonlocal runs
        runs += 1
        await asyncio.sleep(0.2)  # both deliveries are in flight at once

    subscriptions = Subscriptions()
    subscriptions.add(UserUpdated, "a.slow", slow)

    async def deliver() -> str:
        return await run_job(
            job,
            attempt=0,
            max_attempts=5,
            subscriptions=subscriptions,
            uow_factory=lambda: backend.uow_factory(subscriptions.handlers_of),
            clock=FixedClock(NOW),
        )

    outcomes = await asyncio.gather(deliver(), deliver())
    assert sorted(outcomes) == ["done", "duplicate"]
    assert runs == 1


@pytest.mark.parametrize("_migratable_database_url", ["postgres"], indirect=True)
async def test_concurrent_relays_never_take_the_same_job(backend: JobsBackend) -> None:
    for _ in range(20):
        await commit_event(backend, ["a.one", "a.two"])
    batches = await asyncio.gather(
        *(backend.source.take(7, NOW, timedelta(minutes=10)) for _ in range(8))
    )
    taken = [job.id for batch in batches for job in batch]
    assert len(taken) == len(set(taken)) == 40
