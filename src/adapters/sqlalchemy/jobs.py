"""The outbox, the record of handled events and the dead jobs, in SQL.

- ``outbox``: one row per (event, subscribed handler), written by the unit of work in the
  transaction that produced the event, deleted when the handler has run (or the job died).
  ``dispatched_at`` is when the relay last handed the row to the queue.
- ``handled_events``: (handler, event id) pairs that ran; a duplicate delivery finds its pair
  and does nothing.
- ``dead_jobs``: jobs that failed on every attempt, kept for an admin to inspect and retry.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
    Uuid,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from adapters.sqlalchemy.database import SQLITE_BEGIN_OPTION, metadata, write_gate
from adapters.sqlalchemy.types import JsonDict, UtcDateTime
from alora_core.shared.events import DomainEvent
from alora_core.shared.ids import new_id
from alora_core.shared.jobs import DeadJob, Job, JobStats, jobs_for
from alora_core.shared.secrets import Sealer

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

__all__ = ["SqlJobRecords", "SqlOutboxSource", "outbox_rows"]

outbox_table = Table(
    "outbox",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("handler", String, nullable=False),
    Column("event_name", String, nullable=False),
    Column("event_id", Uuid, nullable=False),
    Column("payload", JsonDict, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("dispatched_at", UtcDateTime, nullable=True),
    Column("dispatch_count", Integer, nullable=False, default=0),
    Index("ix_outbox_dispatched_at_id", "dispatched_at", "id"),
)

handled_events_table = Table(
    "handled_events",
    metadata,
    Column("handler", String, primary_key=True),
    Column("event_id", Uuid, primary_key=True),
    Column("handled_at", UtcDateTime, nullable=False, index=True),
)

dead_jobs_table = Table(
    "dead_jobs",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("handler", String, nullable=False),
    Column("event_name", String, nullable=False),
    Column("event_id", Uuid, nullable=False),
    Column("payload", JsonDict, nullable=False),
    Column("error", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("died_at", UtcDateTime, nullable=False, index=True),
)


def outbox_rows(
    events: Sequence[DomainEvent],
    handlers_of: Callable[[DomainEvent], list[str]],
    sealer: Sealer | None = None,
) -> list[dict[str, Any]]:
    """The outbox rows for ``events``: one per subscribed handler, none for unheard events;
    secret fields sealed by ``sealer``."""
    return [
        {
            "id": job.id,
            "handler": job.handler,
            "event_name": event.name,
            "event_id": event.event_id,
            "payload": job.event,
            "created_at": event.occurred_at,
            "dispatched_at": None,
            "dispatch_count": 0,
        }
        for job, event in jobs_for(events, handlers_of, sealer)
    ]


def _insert_ignoring_duplicates(dialect: str) -> Any:
    build = pg_insert if dialect == "postgresql" else sqlite_insert
    return build(handled_events_table).on_conflict_do_nothing()


class SqlJobRecords:
    """``uow.jobs`` on SQLAlchemy."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def claim(self, job: Job) -> bool:
        uow = self._uow
        # The delete goes first: it locks the outbox row, so a concurrent delivery of the same
        # job waits here and then finds the handled record.
        await uow.execute(delete(outbox_table).where(outbox_table.c.id == job.id))
        statement = _insert_ignoring_duplicates(uow.dialect_name).values(
            handler=job.handler, event_id=job.event_id, handled_at=datetime.now(UTC)
        )
        result = await uow.execute(statement)
        return bool(getattr(result, "rowcount", 0) == 1)

    async def bury(self, job: Job, error: str, attempts: int, at: datetime) -> None:
        await self._uow.execute(delete(outbox_table).where(outbox_table.c.id == job.id))
        await self._uow.execute(
            insert(dead_jobs_table).values(
                id=new_id(),
                handler=job.handler,
                event_name=job.event_name,
                event_id=job.event_id,
                payload=job.event,
                error=error,
                attempts=attempts,
                died_at=at,
            )
        )

    async def dead(self, offset: int, limit: int) -> tuple[list[DeadJob], int]:
        rows = await self._uow.execute(
            select(dead_jobs_table)
            .order_by(dead_jobs_table.c.died_at.desc(), dead_jobs_table.c.id.desc())
            .offset(offset)
            .limit(limit)
        )
        total = await self._uow.execute(select(func.count()).select_from(dead_jobs_table))
        return [_dead_job(row) for row in rows.mappings()], int(total.scalar_one())

    async def dead_job(self, dead_job_id: uuid.UUID) -> DeadJob | None:
        rows = await self._uow.execute(
            select(dead_jobs_table).where(dead_jobs_table.c.id == dead_job_id)
        )
        row = rows.mappings().first()
        return None if row is None else _dead_job(row)

    async def resurrect(self, dead_job_id: uuid.UUID, at: datetime) -> DeadJob | None:
        result = await self._uow.execute(
            delete(dead_jobs_table)
            .where(dead_jobs_table.c.id == dead_job_id)
            .returning(*dead_jobs_table.c)
        )
        row = result.mappings().first()
        if row is None:
            return None
        dead = _dead_job(row)
        await self._uow.execute(
            insert(outbox_table).values(
                id=new_id(),
                handler=dead.handler,
                event_name=dead.event_name,
                event_id=dead.event_id,
                payload=dead.event,
                created_at=at,
                dispatched_at=None,
                dispatch_count=0,
            )
        )
        return dead

    async def stats(self, now: datetime) -> JobStats:
        pending = await self._uow.execute(
            select(func.count(), func.min(outbox_table.c.created_at)).select_from(outbox_table)
        )
        count, oldest_at = tuple(pending.one())
        dead = await self._uow.execute(select(func.count()).select_from(dead_jobs_table))
        return JobStats(
            pending=int(count),
            oldest_pending_age_seconds=(
                None if oldest_at is None else max(0.0, (now - oldest_at).total_seconds())
            ),
            dead=int(dead.scalar_one()),
        )


def _dead_job(row: Any) -> DeadJob:
    return DeadJob(
        id=row["id"],
        handler=row["handler"],
        event_name=row["event_name"],
        event_id=row["event_id"],
        event=row["payload"],
        error=row["error"],
        attempts=row["attempts"],
        died_at=row["died_at"],
    )


class SqlOutboxSource:
    """What the relay reads: due outbox rows, marked as dispatched as they are taken."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._gate = write_gate(engine)

    def _writing(self) -> AbstractAsyncContextManager[None]:
        return self._gate.holding() if self._gate is not None else nullcontext()

    async def take(self, limit: int, now: datetime, redeliver_after: timedelta) -> list[Job]:
        """Up to ``limit`` rows never dispatched, or dispatched longer than ``redeliver_after``
        ago without finishing; they are marked dispatched ``now`` before this returns.

        Concurrent relays skip each other's rows on PostgreSQL (``SKIP LOCKED``). On SQLite the
        due rows are looked for without the write lock first (most wake-ups find none left),
        then marked in one statement that takes only those still due, so two relays never
        take one row.
        """
        due = or_(
            outbox_table.c.dispatched_at.is_(None),
            outbox_table.c.dispatched_at < now - redeliver_after,
        )
        if self._engine.dialect.name == "postgresql":
            return await self._take_skipping_locked(due, limit, now)
        async with self._engine.connect() as connection:
            await connection.execution_options(**{SQLITE_BEGIN_OPTION: "NONE"})
            found = await connection.execute(
                select(outbox_table.c.id).where(due).order_by(outbox_table.c.id).limit(limit)
            )
            ids = list(found.scalars())
        if not ids:
            return []
        async with self._writing(), AsyncSession(self._engine) as session, session.begin():
            marked = await session.execute(
                update(outbox_table)
                .where(outbox_table.c.id.in_(ids), due)
                .values(dispatched_at=now, dispatch_count=outbox_table.c.dispatch_count + 1)
                .returning(outbox_table.c.id, outbox_table.c.handler, outbox_table.c.payload)
            )
            rows = sorted(marked.all(), key=lambda row: row.id)
        return [Job(id=row.id, handler=row.handler, event=row.payload) for row in rows]

    async def _take_skipping_locked(self, due: Any, limit: int, now: datetime) -> list[Job]:
        async with AsyncSession(self._engine) as session, session.begin():
            rows = (
                await session.execute(
                    select(outbox_table.c.id, outbox_table.c.handler, outbox_table.c.payload)
                    .where(due)
                    .order_by(outbox_table.c.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return []
            await session.execute(
                update(outbox_table)
                .where(outbox_table.c.id.in_([row.id for row in rows]))
                .values(dispatched_at=now, dispatch_count=outbox_table.c.dispatch_count + 1)
            )
        return [Job(id=row.id, handler=row.handler, event=row.payload) for row in rows]

    async def release(self, jobs: Sequence[Job]) -> None:
        """Make jobs the queue refused due again at once."""
        async with self._writing(), AsyncSession(self._engine) as session, session.begin():
            await session.execute(
                update(outbox_table)
                .where(outbox_table.c.id.in_([job.id for job in jobs]))
                .values(dispatched_at=None)
            )
