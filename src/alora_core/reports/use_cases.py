"""Reports' use cases, one async function per command."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from alora_core.reports.commands import CreateActivityReport
from alora_core.reports.model import ActivityReport, day_window
from alora_core.reports.ports import ReportsUnitOfWork
from alora_core.shared.clock import Clock
from alora_core.shared.errors import Conflict, Invalid


async def create_activity_report(
    cmd: CreateActivityReport, uow: ReportsUnitOfWork, *, clock: Clock
) -> ActivityReport:
    """Make the report of ``cmd.day``, or return the one made already (without side effects).

    Concurrent runs for one day make one report: the unique day refuses the second insert,
    and the loser returns the winner's report.
    """
    start, end = day_window(cmd.day)
    now = clock.now()
    if end > now:
        raise Invalid.field("day", "the day is not over yet")
    async with uow:
        existing = await uow.reports.get_by_day(cmd.day)
        if existing is not None:
            return existing
        counts = await uow.activity_figures.collect(start, end)
        report = ActivityReport.create(cmd.day, counts, now)
        await uow.reports.add(report)
        try:
            await uow.commit()
        except Conflict as conflict:
            lost = conflict
        else:
            return report
    async with uow.reading():
        existing = await uow.reports.get_by_day(cmd.day)
    if existing is None:
        raise lost
    return existing


USE_CASES: dict[type, Callable[..., Any]] = {
    CreateActivityReport: create_activity_report,
}


def command_handlers(*, clock: Clock) -> dict[type, Callable[..., Any]]:
    """Each reports command bound to its use case and the context's dependencies."""
    return {command: partial(use_case, clock=clock) for command, use_case in USE_CASES.items()}
