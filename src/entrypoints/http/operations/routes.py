"""Dead jobs (with retry) and the health of background work, for administrators (else 403)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import PathParameter
from litestar.status_codes import HTTP_202_ACCEPTED

from alora_core.shared.actor import Actor
from alora_core.shared.errors import Forbidden
from alora_core.shared.jobs import DeadJob
from alora_core.shared.operations import GetDeadJob, ListDeadJobs, RetryDeadJob
from alora_core.shared.pagination import Page
from entrypoints.bootstrap import Alora
from entrypoints.http.base import BEARER_SECURITY, problem_responses, run_checks
from entrypoints.http.params import PageNumber, PageSize, path_id
from entrypoints.http.schemas import PageTotals, ResponseSchema, page_totals

DeadJobIdPath = Annotated[
    str,
    PathParameter(format="uuid", description="The dead job's id, a UUID; anything else is 404."),
]


class DeadJobResponse(ResponseSchema):
    id: uuid.UUID
    handler: str
    """The handler that failed, e.g. ``identity.welcome_email``."""
    event_name: str
    event_id: uuid.UUID
    event: dict[str, Any]
    """The event as it travels between processes: ``{"name", "data"}``, with its secret fields
    (one-time codes ...) shown as ``"[redacted]"`` and listed in ``"sealed"``."""
    error: str
    """The last failure's traceback (secrets shown as ``"[redacted]"``)."""
    attempts: int
    died_at: datetime

    @classmethod
    def of(cls, dead: DeadJob) -> DeadJobResponse:
        return cls(
            id=dead.id,
            handler=dead.handler,
            event_name=dead.event_name,
            event_id=dead.event_id,
            event=dead.event,
            error=dead.error,
            attempts=dead.attempts,
            died_at=dead.died_at,
        )


class DeadJobPage(PageTotals):
    items: list[DeadJobResponse]

    @classmethod
    def of(cls, page: Page[DeadJob]) -> DeadJobPage:
        return cls(items=[DeadJobResponse.of(dead) for dead in page.items], **page_totals(page))


class OutboxHealth(ResponseSchema):
    pending: int
    """Jobs not finished yet: waiting in the outbox, queued, running or between retries."""
    oldest_pending_age_seconds: float | None
    """How long the oldest of them has waited: the outbox lag."""


class AdminHealthResponse(ResponseSchema):
    status: str
    """``ok``, or ``degraded`` when a dependency fails or dead jobs wait for attention."""
    checks: dict[str, str]
    """The readiness checks: name -> ``ok``, ``failing`` or ``timeout``."""
    outbox: OutboxHealth
    queues: dict[str, int]
    """Messages waiting or running in each queue."""
    dead_jobs: int


class OperationsController(Controller):
    path = "/api/v1/admin"
    tags = ["admin"]
    security = BEARER_SECURITY

    @get(
        "/jobs/dead",
        summary="Dead jobs",
        description="Jobs whose handler failed on every attempt, newest first. Each names the "
        "handler, the event and the last error; the event's secret fields (one-time codes ...) "
        'read "[redacted]". Audited: each page read is in the audit log (`job.list_dead`).',
        responses=problem_responses(401, 403, 422),
    )
    async def list_dead_jobs(
        self,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        page: PageNumber = 1,
        page_size: PageSize = 20,
    ) -> DeadJobPage:
        result = await alora.bus.handle(ListDeadJobs(actor=actor, page=page, page_size=page_size))
        return DeadJobPage.of(result)

    @get(
        "/jobs/dead/{dead_job_id:str}",
        summary="One dead job",
        description="A dead job with its event and last error, secret fields read "
        '"[redacted]". Audited (`job.read_dead`).',
        responses=problem_responses(401, 403, 404),
    )
    async def get_dead_job(
        self,
        dead_job_id: DeadJobIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> DeadJobResponse:
        dead = await alora.bus.handle(
            GetDeadJob(actor=actor, dead_job_id=path_id(dead_job_id, "dead job"))
        )
        return DeadJobResponse.of(dead)

    @post(
        "/jobs/dead/{dead_job_id:str}/retry",
        summary="Retry a dead job",
        description="Puts the job back in the outbox (202); it runs again within moments, with "
        "a fresh set of attempts. Its handler still runs at most once for the event. Audited.",
        status_code=HTTP_202_ACCEPTED,
        responses=problem_responses(401, 403, 404),
    )
    async def retry_dead_job(
        self,
        dead_job_id: DeadJobIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> DeadJobResponse:
        dead = await alora.bus.handle(
            RetryDeadJob(actor=actor, dead_job_id=path_id(dead_job_id, "dead job"))
        )
        await alora.jobs_added([])
        return DeadJobResponse.of(dead)

    @get(
        "/health",
        summary="Health of the system and its background work",
        description="The readiness checks, plus the outbox lag, queue depths and dead jobs.",
        responses=problem_responses(401, 403),
    )
    async def health(
        self, actor: NamedDependency[Actor], alora: NamedDependency[Alora]
    ) -> AdminHealthResponse:
        if not actor.is_admin:
            raise Forbidden("only administrators may do this")
        checks = await run_checks(alora.readiness_checks)
        stats = await alora.job_stats()
        try:
            queues = await alora.queue_depths()
        except Exception:
            queues = {}
            checks["queues"] = "failing"
        healthy = all(outcome == "ok" for outcome in checks.values()) and stats.dead == 0
        return AdminHealthResponse(
            status="ok" if healthy else "degraded",
            checks=checks,
            outbox=OutboxHealth(
                pending=stats.pending,
                oldest_pending_age_seconds=stats.oldest_pending_age_seconds,
            ),
            queues=queues,
            dead_jobs=stats.dead,
        )
