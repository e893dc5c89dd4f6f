"""Operations on background work, for administrators: dead jobs and their retry.

The commands carry the acting ``Actor``; the HTTP layer builds it from the authenticated caller.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from typing import Any, Protocol

from attrs import frozen

from alora_core.shared.actor import Actor
from alora_core.shared.audit import AuditEntry, AuditLog
from alora_core.shared.clock import Clock
from alora_core.shared.commands import Command
from alora_core.shared.errors import Forbidden, NotFound
from alora_core.shared.jobs import DeadJob, JobRecords
from alora_core.shared.pagination import Page, PageRequest
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
class RetryDeadJob(Command[DeadJob]):
    actor: Actor
    dead_job_id: uuid.UUID


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden("only administrators may do this")


async def list_dead_jobs(cmd: ListDeadJobs, uow: OperationsUnitOfWork) -> Page[DeadJob]:
    _require_admin(cmd.actor)
    request = PageRequest(cmd.page, cmd.page_size)
    async with uow.reading():
        items, total = await uow.jobs.dead(request.offset, request.page_size)
    return Page(items, total, request.page, request.page_size)


async def retry_dead_job(cmd: RetryDeadJob, uow: OperationsUnitOfWork, clock: Clock) -> DeadJob:
    """Put a dead job back into the outbox; it runs again as soon as the relay sees it."""
    _require_admin(cmd.actor)
    async with uow:
        now = clock.now()
        dead = await uow.jobs.resurrect(cmd.dead_job_id, now)
        if dead is None:
            raise NotFound("no such dead job")
        await uow.audit_log.add(
            AuditEntry(
                actor_id=cmd.actor.require_user_id(),
                action="job.retry",
                target_type="dead_job",
                target_id=str(dead.id),
                occurred_at=now,
                details={"handler": dead.handler, "event": dead.event_name},
            )
        )
        await uow.commit()
    return dead


def command_handlers(*, clock: Clock) -> dict[type, Callable[..., Any]]:
    return {ListDeadJobs: list_dead_jobs, RetryDeadJob: partial(retry_dead_job, clock=clock)}
