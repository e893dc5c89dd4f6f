"""The outbox, handled events and dead jobs in memory; see ``adapters.sqlalchemy.jobs``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from attrs import define, evolve

from alora_core.shared.errors import Conflict
from alora_core.shared.events import DomainEvent
from alora_core.shared.ids import new_id
from alora_core.shared.jobs import DeadJob, Job, JobStats

if TYPE_CHECKING:
    from adapters.memory.store import MemoryStore
    from adapters.memory.uow import MemoryUnitOfWork


@define
class OutboxRow:
    job: Job
    created_at: datetime
    dispatched_at: datetime | None = None
    dispatch_count: int = 0


class MemoryJobRecords:
    """``uow.jobs`` in memory; its changes land when the unit of work commits."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    @property
    def _store(self) -> MemoryStore:
        return self._uow.store

    async def claim(self, job: Job) -> bool:
        key = (job.handler, job.event_id)
        store = self._store
        first = key not in store.handled_events

        def check() -> None:
            # A concurrent claim of the same job committed first: as on PostgreSQL, this one
            # must not count (its unit of work fails and the retry finds the record).
            if first and key in store.handled_events:
                raise Conflict("this job was handled concurrently")

        def write() -> None:
            store.outbox.pop(job.id, None)
            store.handled_events.add(key)

        self._uow.before_commit(check)
        self._uow.on_commit(write)
        return first

    async def bury(self, job: Job, error: str, attempts: int, at: datetime) -> None:
        dead = DeadJob(
            id=new_id(),
            handler=job.handler,
            event_name=job.event_name,
            event_id=job.event_id,
            event=job.event,
            error=error,
            attempts=attempts,
            died_at=at,
        )

        def write() -> None:
            self._store.outbox.pop(job.id, None)
            self._store.dead_jobs[dead.id] = dead

        self._uow.on_commit(write)

    async def dead(self, offset: int, limit: int) -> tuple[list[DeadJob], int]:
        ordered = sorted(
            self._store.dead_jobs.values(), key=lambda d: (d.died_at, d.id), reverse=True
        )
        return ordered[offset : offset + limit], len(ordered)

    async def dead_job(self, dead_job_id: uuid.UUID) -> DeadJob | None:
        return self._store.dead_jobs.get(dead_job_id)

    async def resurrect(self, dead_job_id: uuid.UUID, at: datetime) -> DeadJob | None:
        dead = self._store.dead_jobs.get(dead_job_id)
        if dead is None:
            return None
        row = OutboxRow(Job(id=new_id(), handler=dead.handler, event=dead.event), created_at=at)

        def write() -> None:
            if self._store.dead_jobs.pop(dead_job_id, None) is not None:
                self._store.outbox[row.job.id] = row

        self._uow.on_commit(write)
        return dead

    async def stats(self, now: datetime) -> JobStats:
        rows = list(self._store.outbox.values())
        oldest = min((row.created_at for row in rows), default=None)
        return JobStats(
            pending=len(rows),
            oldest_pending_age_seconds=(
                None if oldest is None else max(0.0, (now - oldest).total_seconds())
            ),
            dead=len(self._store.dead_jobs),
        )


def add_to_outbox(store: MemoryStore, jobs: Sequence[tuple[Job, DomainEvent]]) -> None:
    for job, event in jobs:
        store.outbox[job.id] = OutboxRow(job, created_at=event.occurred_at)


class MemoryOutboxSource:
    """The relay's view of a ``MemoryStore`` outbox (see ``adapters.sqlalchemy.jobs``)."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def take(self, limit: int, now: datetime, redeliver_after: timedelta) -> list[Job]:
        taken: list[Job] = []
        for row_id in sorted(self._store.outbox):
            row = self._store.outbox[row_id]
            if row.dispatched_at is None or row.dispatched_at < now - redeliver_after:
                self._store.outbox[row_id] = evolve(
                    row, dispatched_at=now, dispatch_count=row.dispatch_count + 1
                )
                taken.append(row.job)
                if len(taken) == limit:
                    break
        return taken

    async def release(self, jobs: Sequence[Job]) -> None:
        for job in jobs:
            row = self._store.outbox.get(job.id)
            if row is not None:
                self._store.outbox[job.id] = evolve(row, dispatched_at=None)
