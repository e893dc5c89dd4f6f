"""Secrets in events (a password-reset code) on memory, SQLite and PostgreSQL: sealed in the
outbox and the dead jobs, ``[redacted]`` in every view and log line, yet the email that needs
the code still gets it, through the outbox, the queue and the job runner."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import Row, text

from adapters.memory.mail import MemoryMailer
from adapters.memory.store import MemoryStore
from alora_core.identity.commands import ForgotPassword, ResetPassword
from alora_core.identity.events import CodeIssued
from alora_core.shared.actor import Actor, Role
from alora_core.shared.jobs import DeadJob
from alora_core.shared.mail import EmailMessage
from alora_core.shared.operations import GetDeadJob, ListDeadJobs, RetryDeadJob
from entrypoints.bootstrap import Alora, memory_store
from support.backends import Backend
from support.builders import add_user, audit_entries
from support.http import code_from

NEW_PASSWORD = "a brand new passphrase 42"


class RefusingMailer(MemoryMailer):
    """A mail server that, while ``refusing``, answers with an error quoting the message (as
    some relays do), so the code ends up in the failure's text."""

    def __init__(self) -> None:
        super().__init__()
        self.refusing = False
        self.refused: list[EmailMessage] = []

    async def send(self, message: EmailMessage) -> None:
        if self.refusing:
            self.refused.append(message)
            raise RuntimeError(f"550 message refused: {message.text}")
        await super().send(message)


def admin_actor() -> Actor:
    return Actor(user_id=uuid.uuid4(), role=Role.ADMIN, email_verified=True)


async def stored_dead_jobs(backend: Backend, alora: Alora, store: MemoryStore) -> str:
    """Every dead job's payload and error as stored: the tables' text, or the memory store's."""
    if not backend.sql:
        return repr(list(store.dead_jobs.values()))
    async with alora.uow_factory().reading() as uow:
        rows = await uow.execute(
            text("SELECT handler, CAST(payload AS TEXT), error FROM dead_jobs")
        )
        return as_text(rows.all())


async def stored_outbox(backend: Backend, alora: Alora, store: MemoryStore) -> str:
    if not backend.sql:
        return repr(list(store.outbox.values()))
    async with alora.uow_factory().reading() as uow:
        rows = await uow.execute(text("SELECT CAST(payload AS TEXT) FROM outbox"))
        return as_text(rows.all())


async def test_a_reset_code_is_sealed_in_the_outbox_row(backend: Backend) -> None:
    store = memory_store()
    alora = await backend.build(store=store)
    user = await add_user(alora, "ana", verified=True)
    async with alora.units_of_work["identity"]() as uow:  # committed, not yet run
        loaded = await uow.users.get(user.id)
        assert loaded is not None
        loaded.record(
            CodeIssued(
                occurred_at=alora.clock.now(),
                user_id=user.id,
                email=user.email,
                full_name=user.full_name,
                purpose="reset_password",
                code="480317",
                expires_in_minutes=15,
            )
        )
        await uow.commit()

    stored = await stored_outbox(backend, alora, store)
    assert "user.code_issued" in stored
    assert "480317" not in stored
    await alora.relay.drain()
    [mail] = alora.mailer.to(user.email)  # type: ignore[attr-defined]
    assert code_from(mail.text) == "480317"


async def test_a_reset_code_reaches_its_user_through_the_outbox(backend: Backend) -> None:
    alora = await backend.build()
    user = await add_user(alora, "ana", verified=True)
    await alora.bus.handle(ForgotPassword(email=user.email))
    [mail] = alora.mailer.to(user.email)  # type: ignore[attr-defined]
    await alora.bus.handle(
        ResetPassword(email=user.email, code=code_from(mail.text), new_password=NEW_PASSWORD)
    )


async def test_a_dead_code_email_keeps_its_code_sealed_redacted_and_out_of_the_logs(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = memory_store()
    mailer = RefusingMailer()
    alora = await backend.build(mailer=mailer, store=store)
    user = await add_user(alora, "ana", verified=True)
    mailer.refusing = True

    await alora.bus.handle(ForgotPassword(email=user.email))

    assert len(mailer.refused) == alora.max_job_attempts
    code = code_from(mailer.refused[-1].text)
    stored = await stored_dead_jobs(backend, alora, store)
    assert "identity.code_email" in stored and "550 message refused" in stored
    assert code not in stored
    assert "550 message refused" in caplog.text and code not in caplog.text

    admin = admin_actor()
    listed = await alora.bus.handle(ListDeadJobs(actor=admin))
    [dead] = listed.items
    one = await alora.bus.handle(GetDeadJob(actor=admin, dead_job_id=dead.id))
    for shown in (dead, one):
        assert shown.event["data"]["code"] == "[redacted]"
        assert code not in shown_text(shown)
    assert [e.target_id for e in await audit_entries(alora, "job.list_dead")] == ["page:1"]
    [read] = await audit_entries(alora, "job.read_dead")
    assert (read.actor_id, read.target_id) == (admin.user_id, str(dead.id))

    # The server takes mail again: the retried job opens the sealed code and sends it.
    mailer.refusing = False
    retried = await alora.bus.handle(RetryDeadJob(actor=admin, dead_job_id=dead.id))
    assert code not in shown_text(retried)
    await alora.relay.drain()
    [mail] = mailer.to(user.email)
    assert code_from(mail.text) == code
    await alora.bus.handle(ResetPassword(email=user.email, code=code, new_password=NEW_PASSWORD))


def as_text(rows: Sequence[Row[Any]]) -> str:
    return "\n".join(" ".join(str(value) for value in row) for row in rows)


def shown_text(dead: DeadJob) -> str:
    return json.dumps({"event": dead.event, "error": dead.error}, default=str)
