"""Operations on background work, for administrators: dead jobs and their retry.

The commands carry the acting ``Actor``; the HTTP layer builds it from the authenticated caller,
the command line acts as the system. Every read of dead jobs is audited (they show what users
were sent), and what they return has the events' secret fields ``[redacted]``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from typing import Any, Protocol

from attrs import evolve, frozen

from alora_core.shared.actor import Actor
from alora_core.shared.audit import SYSTEM_ACTOR_ID, AuditEntry, AuditLog
from alora_core.shared.clock import Clock
from alora_core.shared.commands import Command
from alora_core.shared.errors import Forbidden, NotFound
from alora_core.shared.jobs import DeadJob, JobRecords
from alora_core.shared.pagination import Page, PageRequest
from alora_core.shared.serialization import redacted_message
from alora_core.shared.uow import UnitOfWork


class OperationsUnitOfWork(UnitOfWork, Protocol):
    @property
    def jobs(self) -> JobRecords: ...

    @property
    def audit_log(self) -> AuditLog: ...


@frozen(kw_only=True)
class ListDeadJobs(Command[Page[DeadJob]]):
    actor: Actor
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class GetDeadJob(Command[DeadJob]):
    actor: Actor
    dead_job_id: uuid.UUID


@frozen(kw_only=True)
class RetryDeadJob(Command[DeadJob]):
    actor: Actor
    dead_job_id: uuid.UUID


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden("only administrators may do this")


def _require_reader(actor: Actor) -> uuid.UUID:
    """Who reads dead jobs, for the audit log: an administrator, or the system (the command
    line, run by whoever operates the host)."""
    if actor.is_system:
        return SYSTEM_ACTOR_ID
    _require_admin(actor)
    return actor.require_user_id()


def shown(dead: DeadJob) -> DeadJob:
    """``dead`` as administrators see it: its event's secret fields ``[redacted]``."""
    return evolve(dead, event=redacted_message(dead.event))


async def list_dead_jobs(
    cmd: ListDeadJobs, uow: OperationsUnitOfWork, clock: Clock
) -> Page[DeadJob]:
    reader = _require_reader(cmd.actor)
    request = PageRequest(cmd.page, cmd.page_size)
    async with uow:
        items, total = await uow.jobs.dead(request.offset, request.page_size)
        await uow.audit_log.add(
            AuditEntry(
                actor_id=reader,
                action="job.list_dead",
                target_type="dead_job",
                target_id=f"page:{request.page}",
                occurred_at=clock.now(),
                details={"page_size": request.page_size, "ids": [str(d.id) for d in items]},
            )
        )
        await uow.commit()
    return Page([shown(dead) for dead in items], total, request.page, request.page_size)


async def get_dead_job(cmd: GetDeadJob, uow: OperationsUnitOfWork, clock: Clock) -> DeadJob:
    reader = _require_reader(cmd.actor)
    async with uow:
        dead = await uow.jobs.dead_job(cmd.dead_job_id)
        if dead is None:
            raise NotFound("no such dead job")
        await uow.audit_log.add(_audited("job.read_dead", reader, dead, clock))
        await uow.commit()
    return shown(dead)


async def retry_dead_job(cmd: RetryDeadJob, uow: OperationsUnitOfWork, clock: Clock) -> DeadJob:
    """Put a dead job back into the outbox; it runs again as soon as the relay sees it."""
    _require_admin(cmd.actor)
    async with uow:
        dead = await uow.jobs.resurrect(cmd.dead_job_id, clock.now())
        if dead is None:
            raise NotFound("no such dead job")
        await uow.audit_log.add(_audited("job.retry", cmd.actor.require_user_id(), dead, clock))
        await uow.commit()
    return shown(dead)


def _audited(action: str, actor_id: uuid.UUID, dead: DeadJob, clock: Clock) -> AuditEntry:
    return AuditEntry(
        actor_id=actor_id,
        action=action,
        target_type="dead_job",
        target_id=str(dead.id),
        occurred_at=clock.now(),
        details={"handler": dead.handler, "event": dead.event_name},
    )


def command_handlers(*, clock: Clock) -> dict[type, Callable[..., Any]]:
    return {
        ListDeadJobs: partial(list_dead_jobs, clock=clock),
        GetDeadJob: partial(get_dead_job, clock=clock),
        RetryDeadJob: partial(retry_dead_job, clock=clock),
    }
