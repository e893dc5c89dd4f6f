"""Operations: background work seen by administrators (dead jobs and their retry, the outbox's
health). A platform module: its tables are every unit of work's."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from alora_core.shared import operations
from alora_core.shared.messagebus import CommandHandler
from entrypoints.modules.base import ContextModule, Wiring
from entrypoints.scheduler import ScheduledJob

if TYPE_CHECKING:
    from entrypoints.bootstrap import Alora

logger = logging.getLogger("alora.scheduler")

STALE_PENDING_SECONDS = 300.0
"""The outbox health check warns when a job has been pending longer than this."""


def _commands(wiring: Wiring) -> Mapping[type, CommandHandler]:
    return operations.command_handlers(clock=wiring.clock)


async def _outbox_health(alora: Alora, scheduled_for: datetime) -> str:
    stats = await alora.job_stats()
    age = stats.oldest_pending_age_seconds
    summary = f"{stats.pending} pending job(s)"
    if age is not None:
        summary += f", the oldest waiting {age:.0f} s"
    summary += f"; {stats.dead} dead job(s)"
    stale = age is not None and age > STALE_PENDING_SECONDS
    if stale or stats.dead:
        logger.warning(
            "background jobs need attention: %s",
            summary,
            extra={"pending": stats.pending, "oldest_pending_age": age, "dead": stats.dead},
        )
    return summary


MODULE = ContextModule(
    name="operations",
    sql_unit_of_work="adapters.sqlalchemy.uow:SqlUnitOfWork",
    memory_unit_of_work="adapters.memory.uow:MemoryUnitOfWork",
    tables=("adapters.sqlalchemy.audit", "adapters.sqlalchemy.jobs"),
    commands=_commands,
    jobs=(
        ScheduledJob(
            "outbox-health",
            "Check that background jobs keep up and none are dead; warn in the log if not.",
            _outbox_health,
            "*/5 * * * *",
        ),
    ),
    routes="entrypoints.http.operations:ROUTE_HANDLERS",
)
