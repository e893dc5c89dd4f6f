"""Reports' use cases, one async function per command."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, timedelta
from functools import partial
from typing import Any

from attrs import field, frozen

from alora_core.reports.commands import CreateActivityReport, GetPlatformStatistics
from alora_core.reports.model import ActivityReport, day_window
from alora_core.reports.ports import ReportsUnitOfWork
from alora_core.reports.queries import PlatformStatistics, SectionCollector
from alora_core.shared.clock import Clock
from alora_core.shared.errors import Conflict, Forbidden, Invalid
from alora_core.shared.statistics import StatisticsWindow, newest

STATISTICS_DAYS = 30
MAX_RECENT = 50


async def create_activity_report(
    cmd: CreateActivityReport, uow: ReportsUnitOfWork, deps: ReportsDeps
) -> ActivityReport:
    """Make the report of ``cmd.day``, or return the one made already (without side effects).

    Concurrent runs for one day make one report: the unique day refuses the second insert,
    and the loser returns the winner's report.
    """
    start, end = day_window(cmd.day)
    now = deps.clock.now()
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


@frozen(kw_only=True)
class ReportsDeps:
    clock: Clock
    statistics: Mapping[str, SectionCollector] = field(factory=dict)
    """Every context's section of the admin statistics, by context."""


async def get_platform_statistics(
    cmd: GetPlatformStatistics, uow: ReportsUnitOfWork, deps: ReportsDeps
) -> PlatformStatistics:
    """The admin dashboard's figures, counted now by each context (no cache: a handful of
    grouped queries each)."""
    if not cmd.actor.is_admin:
        raise Forbidden("only administrators see the platform statistics")
    if not 0 <= cmd.recent <= MAX_RECENT:
        raise Invalid.field("recent", f"must be from 0 to {MAX_RECENT}")
    now = deps.clock.now()
    today = now.astimezone(UTC).date()
    days = tuple(today - timedelta(days=back) for back in range(STATISTICS_DAYS - 1, -1, -1))
    window = StatisticsWindow(days=days, recent=cmd.recent)
    sections = {name: await collect(window) for name, collect in deps.statistics.items()}
    recent = newest((a for s in sections.values() for a in s.recent), cmd.recent)
    return PlatformStatistics(generated_at=now, sections=sections, recent_activity=recent)


USE_CASES: dict[type, Callable[..., Any]] = {
    CreateActivityReport: create_activity_report,
    GetPlatformStatistics: get_platform_statistics,
}


def command_handlers(deps: ReportsDeps) -> dict[type, Callable[..., Any]]:
    """Each reports command bound to its use case and the context's dependencies."""
    return {command: partial(use_case, deps=deps) for command, use_case in USE_CASES.items()}
