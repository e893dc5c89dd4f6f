"""``alora jobs list`` and ``alora jobs run NAME``: the scheduled jobs, and running one now;
``alora jobs dead [ID]``: the dead jobs, or one of them, as administrators see them (secrets
``[redacted]``, each read audited as the system's)."""

from __future__ import annotations

import argparse
import asyncio
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from alora_core.shared.actor import Actor
from alora_core.shared.clock import SystemClock
from alora_core.shared.errors import NotFound
from alora_core.shared.jobs import DeadJob
from alora_core.shared.operations import GetDeadJob, ListDeadJobs
from alora_core.shared.serialization import converter
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


def dead_jobs(args: argparse.Namespace) -> int:
    settings = load_settings()
    dead_job_id: uuid.UUID | None = args.id

    async def run() -> Any:
        alora = await bootstrap.build(settings)
        try:
            if dead_job_id is not None:
                return await alora.bus.handle(
                    GetDeadJob(actor=Actor.system(), dead_job_id=dead_job_id)
                )
            return await alora.bus.handle(
                ListDeadJobs(actor=Actor.system(), page=args.page, page_size=args.page_size)
            )
        finally:
            await alora.aclose()

    try:
        found = asyncio.run(run())
    except NotFound:
        raise CommandError(f"no dead job {dead_job_id}") from None
    except Exception as exc:
        if missing_table(exc):
            raise CommandError(NOT_MIGRATED) from None
        raise
    if isinstance(found, DeadJob):
        print(json.dumps(converter.unstructure(found), indent=2, ensure_ascii=False))
        return 0
    rows = [("ID", "DIED AT (UTC)", "ATTEMPTS", "HANDLER", "EVENT")]
    for dead in found.items:
        died_at = dead.died_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        rows.append((str(dead.id), died_at, str(dead.attempts), dead.handler, dead.event_name))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)]
        print("  ".join([*cells, row[4]]))
    print(f"page {found.page} of {max(found.pages, 1)}; {found.total} dead job(s)")
    return 0


def _dead_job_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is no dead job id (a UUID)") from None


def _page_number(raw: str) -> int:
    if not raw.isdigit() or int(raw) < 1:
        raise argparse.ArgumentTypeError(f"{raw!r} is no page number (1, 2 ...)")
    return int(raw)


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
    parser = commands.add_parser(
        "dead",
        help="list the dead jobs, or show one (secrets redacted; every read is audited)",
    )
    parser.add_argument(
        "id", nargs="?", type=_dead_job_id, metavar="ID", help="show this dead job in full"
    )
    parser.add_argument("--page", type=_page_number, default=1, help="default: 1")
    parser.add_argument(
        "--page-size", type=_page_number, default=20, metavar="N", help="default: 20"
    )
    parser.set_defaults(handler=dead_jobs)
