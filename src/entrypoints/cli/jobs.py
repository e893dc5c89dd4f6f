"""``alora jobs list`` and ``alora jobs run NAME``: the scheduled jobs, and running one now."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime

from alora_core.shared.clock import SystemClock
from entrypoints import bootstrap
from entrypoints.cli.main import NOT_MIGRATED, CommandError, Subparsers, missing_table
from entrypoints.modules import MODULES
from entrypoints.scheduler import Scheduler, run_scheduled, scheduled_jobs
from entrypoints.settings import load_settings


def list_jobs(args: argparse.Namespace) -> int:
    settings = load_settings()
    clock = SystemClock()
    jobs = scheduled_jobs(MODULES)
    scheduler = Scheduler(jobs.values(), settings.cron, _no_dispatch, clock)
    rows = [("JOB", "SCHEDULE (UTC)", "NEXT RUN (UTC)", "WHAT IT DOES")]
    for name, next_time, cron in scheduler.upcoming(clock.now()):
        shown = next_time.strftime("%Y-%m-%d %H:%M")
        rows.append((name, cron, shown, jobs[name].description))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)]
        print("  ".join([*cells, row[3]]))
    return 0


def run_job(args: argparse.Namespace) -> int:
    name: str = args.name
    jobs = scheduled_jobs(MODULES)
    if name not in jobs:
        raise CommandError(f"no job {name!r}; the jobs are: {', '.join(jobs)}")
    scheduled_for: datetime | None = args.at
    settings = load_settings()

    async def run() -> str:
        # Without workers to hand them to, the events a job raises are handled before it returns.
        alora = await bootstrap.build(settings, inline_jobs=settings.background == "inprocess")
        try:
            return await run_scheduled(alora, name, scheduled_for or alora.clock.now())
        finally:
            await alora.aclose()

    try:
        summary = asyncio.run(run())
    except Exception as exc:  # run_scheduled has logged the traceback
        if missing_table(exc):
            raise CommandError(NOT_MIGRATED) from None
        raise CommandError(f"{name} failed: {type(exc).__name__}: {exc}") from None
    print(summary)
    return 0


def _utc_time(raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{raw!r} is no ISO 8601 time (e.g. 2030-01-02T01:00Z)"
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


async def _no_dispatch(name: str, scheduled_for: datetime) -> None:
    return None


def register(subparsers: Subparsers) -> None:
    jobs = subparsers.add_parser("jobs", help="scheduled jobs")
    commands = jobs.add_subparsers(title="commands", metavar="COMMAND", required=True)
    parser = commands.add_parser("list", help="list the jobs, their schedules and next runs")
    parser.set_defaults(handler=list_jobs)
    parser = commands.add_parser("run", help="run one job now and print what it did")
    parser.add_argument(
        "name", metavar="NAME", help=f"one of: {', '.join(scheduled_jobs(MODULES))}"
    )
    parser.add_argument(
        "--at",
        type=_utc_time,
        metavar="TIME",
        help="run as if scheduled at TIME (ISO 8601, UTC unless an offset is given), e.g. "
        "to make the activity report of an earlier day; default: now",
    )
    parser.set_defaults(handler=run_job)
