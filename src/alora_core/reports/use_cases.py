"""Reports' use cases, one async function per command."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, timedelta
from functools import partial
from typing import Any

from alora_core.reports.commands import CreateActivityReport, GetPlatformStatistics
from alora_core.reports.model import ActivityReport, day_window
from alora_core.reports.ports import ReportsUnitOfWork
from alora_core.reports.queries import DayCount, PlatformStatistics
from alora_core.shared.clock import Clock
from alora_core.shared.errors import Conflict, Forbidden, Invalid

STATISTICS_DAYS = 30
MAX_RECENT = 50


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


async def get_platform_statistics(
    cmd: GetPlatformStatistics, uow: ReportsUnitOfWork, *, clock: Clock
) -> PlatformStatistics:
    """The admin dashboard's figures, counted now (no cache: a handful of grouped queries)."""
    if not cmd.actor.is_admin:
        raise Forbidden("only administrators see the platform statistics")
    if not 0 <= cmd.recent <= MAX_RECENT:
        raise Invalid.field("recent", f"must be from 0 to {MAX_RECENT}")
    now = clock.now()
    today = now.astimezone(UTC).date()
    days = [today - timedelta(days=back) for back in range(STATISTICS_DAYS - 1, -1, -1)]
    since, _ = day_window(days[0])
    async with uow.reading():
        figures = await uow.platform_figures.collect(since, cmd.recent)
    average = None
    if figures.review_count:
        average = round(figures.rating_total / figures.review_count, 2)
    return PlatformStatistics(
        generated_at=now,
        users_by_role=figures.users_by_role,
        bookings_by_status=figures.bookings_by_status,
        bookings_per_day=[DayCount(day=d, count=figures.bookings_by_day.get(d, 0)) for d in days],
        average_rating=average,
        review_count=figures.review_count,
        content=figures.content,
        recent_activity=figures.recent[: cmd.recent],
    )


USE_CASES: dict[type, Callable[..., Any]] = {
    CreateActivityReport: create_activity_report,
    GetPlatformStatistics: get_platform_statistics,
}


def command_handlers(*, clock: Clock) -> dict[type, Callable[..., Any]]:
    """Each reports command bound to its use case and the context's dependencies."""
    return {command: partial(use_case, clock=clock) for command, use_case in USE_CASES.items()}
