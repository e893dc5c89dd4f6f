"""The scheduler and the scheduled jobs, with a fixed clock and fake dispatch (no real waits
beyond a few hundredths of a second)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from attrs import define, field

from adapters.memory.hasher import FastPasswordHasher
from alora_core.identity.commands import PurgeEndedSessions, PurgeExpiredCodes
from alora_core.reports.commands import CreateActivityReport
from alora_core.shared.clock import FixedClock
from alora_core.shared.jobs import JobStats
from entrypoints.bootstrap import build_in_memory
from entrypoints.modules import MODULES
from entrypoints.scheduler import (
    InProcessDispatch,
    ScheduledJob,
    Scheduler,
    latest_fire_time,
    next_fire_time,
    run_scheduled,
    run_scheduler,
    scheduled_jobs,
)
from entrypoints.settings import load_settings

SCHEDULED_JOBS = scheduled_jobs(MODULES)

NOON = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2030, 1, day, hour, minute, tzinfo=UTC)


async def _nothing(alora: Any, scheduled_for: datetime) -> str:
    return "done"


def jobs(*names: str) -> list[ScheduledJob]:
    return [ScheduledJob(name, f"the {name} job", _nothing, "* * * * *") for name in names]


@define
class Harness:
    """A fixed clock that moves only when the scheduler waits, and a recording dispatch."""

    clock: FixedClock = field(factory=lambda: FixedClock(NOON))
    stop: asyncio.Event = field(factory=asyncio.Event)
    dispatched: list[tuple[str, datetime]] = field(factory=list)
    waits: list[float] = field(factory=list)
    stop_after: int = 1_000

    async def dispatch(self, name: str, scheduled_for: datetime) -> None:
        assert scheduled_for <= self.clock.now()
        self.dispatched.append((name, scheduled_for))
        if len(self.dispatched) >= self.stop_after:
            self.stop.set()

    async def wait(self, stop: asyncio.Event, seconds: float) -> None:
        self.waits.append(seconds)
        self.clock.advance(timedelta(seconds=seconds))
        await asyncio.sleep(0)

    def scheduler(self, schedules: dict[str, str], **options: Any) -> Scheduler:
        return Scheduler(
            jobs(*schedules), schedules, self.dispatch, self.clock, wait=self.wait, **options
        )

    async def run(self, scheduler: Scheduler) -> None:
        await asyncio.wait_for(scheduler.run(self.stop), timeout=5)


def test_fire_times_are_computed_in_utc() -> None:
    assert next_fire_time("0 */6 * * *", NOON) == at(1, 18)
    assert next_fire_time("0 0 * * *", NOON) == at(2, 0)
    assert next_fire_time("0 1 * * *", at(1, 0, 59)) == at(1, 1)
    local_noon = NOON.astimezone(ZoneInfo("Europe/Berlin"))
    assert next_fire_time("0 13 * * *", local_noon) == at(1, 13)
    assert latest_fire_time("0 */6 * * *", NOON) == NOON  # "at or before"
    assert latest_fire_time("0 */6 * * *", NOON - timedelta(microseconds=1)) == at(1, 6)


async def test_jobs_are_dispatched_when_due_in_time_order() -> None:
    harness = Harness(stop_after=5)
    scheduler = harness.scheduler({"six-hourly": "0 */6 * * *", "daily": "0 0 * * *"})

    await harness.run(scheduler)

    assert harness.dispatched == [
        ("six-hourly", at(1, 18)),
        ("six-hourly", at(2, 0)),
        ("daily", at(2, 0)),
        ("six-hourly", at(2, 6)),
        ("six-hourly", at(2, 12)),
    ]


async def test_long_sleeps_are_cut_so_the_wall_clock_is_read_often() -> None:
    harness = Harness(stop_after=1)
    await harness.run(harness.scheduler({"daily": "0 0 * * *"}, max_sleep_seconds=3600))
    assert harness.dispatched == [("daily", at(2, 0))]
    assert max(harness.waits) == 3600
    assert len(harness.waits) == 12  # noon to midnight in hours


async def test_a_tick_missed_while_suspended_fires_once_with_the_latest_time() -> None:
    harness = Harness()
    suspended = False

    async def suspend_once(stop: asyncio.Event, seconds: float) -> None:
        nonlocal suspended
        if suspended:
            stop.set()
            return
        suspended = True
        harness.clock.advance(timedelta(days=3, minutes=30))  # far past many hourly ticks

    scheduler = Scheduler(
        jobs("hourly"), {"hourly": "0 * * * *"}, harness.dispatch, harness.clock, wait=suspend_once
    )
    await harness.run(scheduler)

    assert harness.dispatched == [("hourly", at(4, 12))]
    assert scheduler.upcoming(harness.clock.now())[0][1] == at(4, 13)


async def test_a_failing_dispatch_is_logged_and_the_job_waits_for_its_next_tick(
    caplog: pytest.LogCaptureFixture,
) -> None:
    harness = Harness()
    calls: list[datetime] = []

    async def flaky(name: str, scheduled_for: datetime) -> None:
        calls.append(scheduled_for)
        if len(calls) == 1:
            raise ValueError("a bug")
        harness.stop.set()

    scheduler = Scheduler(
        jobs("hourly"), {"hourly": "0 * * * *"}, flaky, harness.clock, wait=harness.wait
    )
    with caplog.at_level(logging.WARNING, logger="alora.scheduler"):
        await harness.run(scheduler)

    assert calls == [at(1, 13), at(1, 14)]
    assert "could not dispatch" in caplog.text
    assert caplog.records[0].exc_info is not None  # a bug: its traceback


async def test_a_broker_outage_is_logged_once_and_its_end_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    harness = Harness()
    calls: list[datetime] = []

    async def down_for_three_ticks(name: str, scheduled_for: datetime) -> None:
        calls.append(scheduled_for)
        if len(calls) <= 3:
            raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 6379)")
        harness.stop.set()

    scheduler = Scheduler(
        jobs("hourly"), {"hourly": "0 * * * *"}, down_for_three_ticks, harness.clock,
        wait=harness.wait,
    )  # fmt: skip
    with caplog.at_level(logging.DEBUG, logger="alora.scheduler"):
        await harness.run(scheduler)

    assert len(calls) == 4
    logged = [
        (r.levelno, r.exc_info is None) for r in caplog.records if r.levelno >= logging.WARNING
    ]
    assert logged == [(logging.WARNING, True)]
    assert [r.getMessage() for r in caplog.records if "is back" in r.getMessage()] != []


async def test_stop_wakes_a_sleeping_scheduler_at_once() -> None:
    stop = asyncio.Event()
    dispatched: list[str] = []

    async def dispatch(name: str, scheduled_for: datetime) -> None:
        dispatched.append(name)

    scheduler = Scheduler(jobs("daily"), {"daily": "0 0 * * *"}, dispatch, FixedClock(NOON))
    task = asyncio.create_task(scheduler.run(stop))
    await asyncio.sleep(0.02)
    assert not task.done()
    stop.set()
    await asyncio.wait_for(task, timeout=1)
    assert dispatched == []


async def test_a_dispatch_under_way_when_stop_comes_finishes() -> None:
    harness = Harness()
    finished: list[str] = []

    async def slow(name: str, scheduled_for: datetime) -> None:
        harness.stop.set()  # SIGTERM arrives while the job is being dispatched
        await asyncio.sleep(0.01)
        finished.append(name)

    scheduler = Scheduler(
        jobs("a", "b"),
        {"a": "0 13 * * *", "b": "0 13 * * *"},
        slow,
        harness.clock,
        wait=harness.wait,
    )
    await harness.run(scheduler)
    assert finished == ["a"]  # b, due at the same time, is not started after stop


def test_schedules_come_from_settings_and_may_be_overridden() -> None:
    settings = load_settings(
        {"ALORA_CRON_OTP_CLEANUP": "*/15  * * * *", "ALORA_VAR_DIR": "var"}, dotenv=None
    )
    scheduler = Scheduler(SCHEDULED_JOBS.values(), settings.cron, _never, FixedClock(NOON))

    upcoming = {name: (when, cron) for name, when, cron in scheduler.upcoming(NOON)}

    assert set(upcoming) == {
        "otp-cleanup",
        "session-cleanup",
        "activity-report",
        "outbox-health",
        "held-emails",
        "booking-completion",
        "booking-expiry",
        "booking-reminders",
        "connection-request-expiry",
        "messaging-events-prune",
    }
    assert upcoming["booking-completion"] == (at(1, 12, 15), "*/15 * * * *")
    assert upcoming["otp-cleanup"] == (at(1, 12, 15), "*/15 * * * *")
    assert upcoming["session-cleanup"] == (at(1, 18), "0 */6 * * *")
    assert upcoming["activity-report"] == (at(2, 1), "0 1 * * *")
    assert upcoming["outbox-health"] == (at(1, 12, 5), "*/5 * * * *")
    assert upcoming["held-emails"] == (at(1, 12, 1), "* * * * *")
    assert upcoming["booking-expiry"] == (at(1, 12, 5), "*/5 * * * *")
    assert upcoming["connection-request-expiry"] == (at(1, 12, 17), "17 * * * *")
    soonest = [name for name, _, _ in scheduler.upcoming(NOON)][:3]
    assert soonest == ["held-emails", "booking-expiry", "outbox-health"]  # a tie goes by name


def test_every_job_needs_a_valid_schedule() -> None:
    with pytest.raises(ValueError, match="no schedule"):
        Scheduler(jobs("a", "b"), {"a": "* * * * *"}, _never, FixedClock())
    with pytest.raises(ValueError, match="cron"):
        Scheduler(jobs("a"), {"a": "every day"}, _never, FixedClock())


async def _never(name: str, scheduled_for: datetime) -> None:
    raise AssertionError("not dispatched in this test")


# --- the jobs ---------------------------------------------------------------------------------


@define
class FakeBus:
    results: dict[type, Any]
    handled: list[object] = field(factory=list)

    async def handle(self, command: object) -> Any:
        self.handled.append(command)
        return self.results[type(command)]


@define
class FakeAlora:
    bus: FakeBus
    stats: JobStats = field(factory=lambda: JobStats(0, None, 0))
    clock: FixedClock = field(factory=lambda: FixedClock(NOON))
    modules: Any = MODULES

    async def job_stats(self) -> JobStats:
        return self.stats


@define
class FakeReport:
    new_users: int = 4
    logins: int = 5
    notifications_sent: int = 6


async def test_the_cleanups_go_through_the_bus() -> None:
    alora = FakeAlora(FakeBus({PurgeExpiredCodes: 3, PurgeEndedSessions: 2}))
    assert "3" in await run_scheduled(alora, "otp-cleanup", NOON)  # type: ignore[arg-type]
    assert "2" in await run_scheduled(alora, "session-cleanup", NOON)  # type: ignore[arg-type]
    assert alora.bus.handled == [PurgeExpiredCodes(), PurgeEndedSessions()]


async def test_the_activity_report_covers_the_utc_day_before_its_tick() -> None:
    alora = FakeAlora(FakeBus({CreateActivityReport: FakeReport()}))
    summary = await run_scheduled(alora, "activity-report", at(2, 1))  # type: ignore[arg-type]
    assert alora.bus.handled == [CreateActivityReport(day=date(2030, 1, 1))]
    assert summary == (
        "activity report of 2030-01-01: 4 new account(s), 5 sign-in(s), 6 notification(s) sent"
    )


async def test_held_emails_go_through_the_bus() -> None:
    from alora_core.notifications.commands import SendHeldEmails

    alora = FakeAlora(FakeBus({SendHeldEmails: 7}))
    summary = await run_scheduled(alora, "held-emails", NOON)  # type: ignore[arg-type]
    assert alora.bus.handled == [SendHeldEmails()]
    assert "7" in summary


@pytest.mark.parametrize(
    ("stats", "warns"),
    [
        (JobStats(pending=0, oldest_pending_age_seconds=None, dead=0), False),
        (JobStats(pending=9, oldest_pending_age_seconds=12.0, dead=0), False),
        (JobStats(pending=9, oldest_pending_age_seconds=301.0, dead=0), True),
        (JobStats(pending=0, oldest_pending_age_seconds=None, dead=1), True),
    ],
)
async def test_the_outbox_health_check_warns_when_jobs_lag_or_die(
    stats: JobStats, warns: bool, caplog: pytest.LogCaptureFixture
) -> None:
    alora = FakeAlora(FakeBus({}), stats)
    with caplog.at_level(logging.WARNING, logger="alora.scheduler"):
        summary = await run_scheduled(alora, "outbox-health", NOON)  # type: ignore[arg-type]
    assert f"{stats.pending} pending job(s)" in summary
    assert f"{stats.dead} dead job(s)" in summary
    assert ("need attention" in caplog.text) is warns


async def test_run_scheduled_refuses_unknown_jobs() -> None:
    with pytest.raises(KeyError, match="otp-cleanup"):
        await run_scheduled(FakeAlora(FakeBus({})), "nope", NOON)  # type: ignore[arg-type]


async def test_jobs_run_in_memory_end_to_end() -> None:
    alora = build_in_memory(clock=FixedClock(NOON), hasher=FastPasswordHasher())
    assert await run_scheduled(alora, "otp-cleanup", NOON) == (
        "deleted 0 expired or used-up one-time code(s)"
    )
    assert "0 pending job(s)" in await run_scheduled(alora, "outbox-health", NOON)


# --- in-process dispatch and shutdown ---------------------------------------------------------


async def test_in_process_dispatch_runs_jobs_as_tasks_and_skips_overlaps() -> None:
    alora = build_in_memory(clock=FixedClock(NOON), hasher=FastPasswordHasher())
    dispatch = InProcessDispatch(alora)

    await dispatch("otp-cleanup", NOON)
    await dispatch("otp-cleanup", NOON)  # still running: skipped
    assert dispatch.running == ["otp-cleanup"]
    await dispatch.drain(1)
    assert dispatch.running == []


class RealTimeClock:
    """Wall-clock time, moved so that a tick of ``* * * * *`` comes in ``lead`` seconds."""

    def __init__(self, lead: float) -> None:
        now = datetime.now(UTC)
        target = now.replace(second=0, microsecond=0) + timedelta(minutes=1, seconds=-lead)
        self._offset = target - now

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset


async def test_run_scheduler_bounds_the_shutdown(tmp_path: Any) -> None:
    settings = load_settings(
        {
            "ALORA_VAR_DIR": str(tmp_path),
            "ALORA_SHUTDOWN_TIMEOUT_SECONDS": "0.05",
            **{
                f"ALORA_CRON_{job.upper().replace('-', '_')}": "0 0 1 1 *" for job in SCHEDULED_JOBS
            },
            "ALORA_CRON_HELD_EMAILS": "* * * * *",
        },
        dotenv=None,
    )
    stop = asyncio.Event()
    started: list[str] = []
    cancelled: list[str] = []

    async def hangs(name: str, scheduled_for: datetime) -> None:
        started.append(name)
        stop.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.append(name)
            raise

    alora = FakeAlora(FakeBus({}), clock=RealTimeClock(lead=0.02))  # type: ignore[arg-type]
    await asyncio.wait_for(
        run_scheduler(alora, settings, hangs, stop, handle_signals=False),  # type: ignore[arg-type]
        timeout=2,
    )
    assert started == cancelled == ["held-emails"]


async def test_run_scheduler_lets_in_process_jobs_finish_within_the_timeout(tmp_path: Any) -> None:
    settings = load_settings(
        {
            "ALORA_VAR_DIR": str(tmp_path),
            "ALORA_SHUTDOWN_TIMEOUT_SECONDS": "1",
            **{
                f"ALORA_CRON_{job.upper().replace('-', '_')}": "0 0 1 1 *" for job in SCHEDULED_JOBS
            },
            "ALORA_CRON_OTP_CLEANUP": "* * * * *",
        },
        dotenv=None,
    )
    stop = asyncio.Event()
    done = asyncio.Event()

    class SlowBus(FakeBus):
        async def handle(self, command: object) -> Any:
            stop.set()  # shutdown begins while the job runs
            await asyncio.sleep(0.02)
            done.set()
            return 0

    alora = FakeAlora(SlowBus({}), clock=RealTimeClock(lead=0.02))  # type: ignore[arg-type]
    await asyncio.wait_for(
        run_scheduler(alora, settings, stop=stop, handle_signals=False),  # type: ignore[arg-type]
        timeout=2,
    )
    assert done.is_set()


async def test_run_scheduler_raises_when_the_scheduler_fails(tmp_path: Any) -> None:
    settings = load_settings({"ALORA_VAR_DIR": str(tmp_path)}, dotenv=None)

    class BrokenClock:
        def now(self) -> datetime:
            raise RuntimeError("no time")

    alora = FakeAlora(FakeBus({}), clock=BrokenClock())  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="no time"):
        await asyncio.wait_for(
            run_scheduler(alora, settings, handle_signals=False),  # type: ignore[arg-type]
            timeout=2,
        )


async def test_sigterm_stops_run_scheduler(tmp_path: Any) -> None:
    settings = load_settings({"ALORA_VAR_DIR": str(tmp_path)}, dotenv=None)
    alora = FakeAlora(FakeBus({}), clock=FixedClock(NOON))
    loop = asyncio.get_running_loop()
    loop.call_later(0.02, os.kill, os.getpid(), signal.SIGTERM)

    await asyncio.wait_for(run_scheduler(alora, settings, _never), timeout=2)  # type: ignore[arg-type]
