"""Reports: the daily activity report emailed to administrators, and the admin statistics,
composed of every module's section."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from alora_core.reports import handlers
from alora_core.reports import use_cases as reports
from alora_core.reports.commands import CreateActivityReport
from alora_core.shared.jobs import ContextSubscriptions
from alora_core.shared.messagebus import CommandHandler
from entrypoints.modules.base import ContextModule, Wiring
from entrypoints.scheduler import ScheduledJob

if TYPE_CHECKING:
    from entrypoints.bootstrap import Alora


def _commands(wiring: Wiring) -> Mapping[type, CommandHandler]:
    deps = reports.ReportsDeps(clock=wiring.clock, statistics=wiring.statistics)
    return reports.command_handlers(deps)


def _subscribe(subscriptions: ContextSubscriptions, wiring: Wiring) -> None:
    handlers.subscribe(subscriptions, mailer=wiring.mailer, branding=wiring.branding)


async def _activity_report(alora: Alora, scheduled_for: datetime) -> str:
    day = scheduled_for.astimezone(UTC).date() - timedelta(days=1)
    report = await alora.bus.handle(CreateActivityReport(day=day))
    return (
        f"activity report of {day.isoformat()}: {report.new_users} new account(s), "
        f"{report.logins} sign-in(s), {report.notifications_sent} notification(s) sent"
    )


MODULE = ContextModule(
    name="reports",
    sql_unit_of_work="adapters.sqlalchemy.reports.uow:SqlReportsUnitOfWork",
    memory_unit_of_work="adapters.memory.reports.uow:MemoryReportsUnitOfWork",
    tables=("adapters.sqlalchemy.reports.repositories",),
    commands=_commands,
    subscribe=_subscribe,
    jobs=(
        ScheduledJob(
            "activity-report",
            "Make the previous UTC day's activity report and email it to the administrators.",
            _activity_report,
            "0 1 * * *",
        ),
    ),
    routes="entrypoints.http.reports:route_handlers",
)
