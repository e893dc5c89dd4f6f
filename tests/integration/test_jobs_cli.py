"""``alora jobs list``, ``alora jobs run NAME`` and ``alora jobs dead [ID]`` on a migrated
SQLite database."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.memory.hasher import FastPasswordHasher
from adapters.memory.mail import MemoryMailer
from alora_core.identity.commands import RegisterUser
from alora_core.identity.model import Role
from alora_core.shared.audit import SYSTEM_ACTOR_ID, AuditEntry
from alora_core.shared.clock import FixedClock
from alora_core.shared.mail import EmailMessage
from alora_core.shared.pagination import PageRequest
from entrypoints import bootstrap
from entrypoints.cli.main import main
from entrypoints.settings import load_settings
from support.http import code_from


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setenv("ALORA_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("ALORA_DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'alora.db'}")
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()


def test_jobs_list_shows_every_job_with_the_schedule_in_effect(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ALORA_CRON_SESSION_CLEANUP", "30 2 * * *")

    assert main(["jobs", "list"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("  ")[0] == "JOB"
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == {
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
    assert "30 2 * * *" in rows["session-cleanup"]
    assert "0 0 * * *" in rows["otp-cleanup"]
    assert "Delete one-time codes" in rows["otp-cleanup"]
    assert re.search(r"  \d{4}-\d{2}-\d{2} 02:30  ", rows["session-cleanup"])


async def _user_with_an_expired_code() -> None:
    an_hour_ago = FixedClock(datetime.now(UTC) - timedelta(hours=1))
    alora = await bootstrap.build(
        load_settings(), clock=an_hour_ago, hasher=FastPasswordHasher(), mailer=MemoryMailer()
    )
    try:
        await alora.bus.handle(
            RegisterUser(
                full_name="Ana Example",
                username="ana",
                email="ana@example.com",
                phone="+1 415 555 0100",
                password="correct horse battery",
                role=Role.CUSTOMER,
            )
        )
    finally:
        await alora.aclose()


def test_jobs_run_runs_one_job_now(database: None, capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(_user_with_an_expired_code())

    assert main(["jobs", "run", "otp-cleanup"]) == 0
    assert capsys.readouterr().out == "deleted 1 expired or used-up one-time code(s)\n"

    assert main(["jobs", "run", "otp-cleanup"]) == 0  # idempotent
    assert capsys.readouterr().out == "deleted 0 expired or used-up one-time code(s)\n"


def test_jobs_run_an_unknown_job_names_the_jobs(
    database: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["jobs", "run", "nope"]) == 2
    error = capsys.readouterr().err
    assert "no job 'nope'" in error
    assert (  # in the registry's order of the modules that declare them
        "outbox-health, otp-cleanup, session-cleanup, held-emails, activity-report, "
        "booking-completion, booking-expiry, booking-reminders, connection-request-expiry, "
        "messaging-events-prune"
    ) in error


def test_jobs_run_at_a_given_time(database: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jobs", "run", "session-cleanup", "--at", "2030-01-02T01:00"]) == 0
    assert "deleted 0" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["jobs", "run", "session-cleanup", "--at", "tomorrow"])


@pytest.mark.parametrize("command", [["jobs", "run", "session-cleanup"], ["search", "reindex"]])
def test_commands_on_a_database_never_migrated_say_what_to_do(
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ALORA_VAR_DIR", str(tmp_path / "var"))
    assert main(command) == 2
    assert "run `alora db upgrade`" in capsys.readouterr().err


class RefusingMailer(MemoryMailer):
    def __init__(self) -> None:
        super().__init__()
        self.refused: list[EmailMessage] = []

    async def send(self, message: EmailMessage) -> None:
        self.refused.append(message)
        raise RuntimeError(f"550 refused: {message.text}")


async def _a_dead_code_email() -> str:
    """Register a user while the mail server refuses everything; returns the code sent."""
    mailer = RefusingMailer()
    alora = await bootstrap.build(
        load_settings(), hasher=FastPasswordHasher(), mailer=mailer, inline_jobs=True
    )
    try:
        await alora.bus.handle(
            RegisterUser(
                full_name="Ana Example",
                username="ana",
                email="ana@example.com",
                phone="+1 415 555 0100",
                password="correct horse battery",
                role=Role.CUSTOMER,
            )
        )
    finally:
        await alora.aclose()
    [code] = {
        code_from(m.text) for m in mailer.refused if (m.idempotency_key or "").endswith(".code")
    }
    return code


async def _audit_log() -> list[AuditEntry]:
    alora = await bootstrap.build(load_settings())
    try:
        async with alora.uow_factory().reading() as uow:
            return list((await uow.audit_log.list(PageRequest(1, 100))).items)
    finally:
        await alora.aclose()


def test_jobs_dead_shows_dead_jobs_without_their_secrets_and_audits_each_read(
    database: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code = asyncio.run(_a_dead_code_email())

    assert main(["jobs", "dead"]) == 0
    listed = capsys.readouterr().out
    assert code not in listed
    [line] = [line for line in listed.splitlines() if "identity.code_email" in line]
    dead_id = line.split()[0]
    assert "user.code_issued" in line and listed.splitlines()[-1].endswith("2 dead job(s)")

    assert main(["jobs", "dead", dead_id]) == 0
    shown = capsys.readouterr().out
    assert code not in shown
    one = json.loads(shown)
    assert one["event"]["data"]["code"] == "[redacted]"
    assert "550 refused" in one["error"]

    entries = asyncio.run(_audit_log())
    assert {(e.action, e.target_id, e.actor_id) for e in entries} == {
        ("job.list_dead", "page:1", SYSTEM_ACTOR_ID),
        ("job.read_dead", dead_id, SYSTEM_ACTOR_ID),
    }


def test_jobs_dead_with_an_unknown_or_malformed_id(
    database: None, capsys: pytest.CaptureFixture[str]
) -> None:
    unknown = "6f1e0c2a-4b7d-4e55-9a3c-0d2b8e7f4a11"
    assert main(["jobs", "dead", unknown]) == 2
    assert f"no dead job {unknown}" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["jobs", "dead", "nope"])
    with pytest.raises(SystemExit):
        main(["jobs", "dead", "--page", "0"])
