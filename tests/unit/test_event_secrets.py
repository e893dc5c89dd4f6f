"""Secret fields of events (``alora_core.shared.secrets``): declared once, sealed in every
message, redacted in every view, and never in a failing job's error or the queue's retry."""

from __future__ import annotations

import importlib
import pkgutil
import traceback
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from attrs import fields

import alora_core
from adapters.fernet_sealer import FernetSealer
from adapters.memory.jobs import MemoryOutboxSource
from adapters.memory.mail import MemoryMailer
from alora_core.identity.events import CodeIssued
from alora_core.shared.events import event_names, event_type
from alora_core.shared.jobs import JobFailed
from alora_core.shared.mail import EmailMessage
from alora_core.shared.secrets import SealBroken, redact_text, secret_fields
from alora_core.shared.serialization import (
    event_from_message,
    event_to_message,
    redacted_message,
)
from entrypoints import bootstrap
from support.builders import add_user

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
SEALER = FernetSealer(b"k" * 32)
SECRET_LOOKING = ("code", "token", "secret", "password", "otp")


def issued(code: str = "271828") -> CodeIssued:
    return CodeIssued(
        occurred_at=NOW,
        user_id=uuid.uuid4(),
        email="bo@example.com",
        full_name="Bo",
        purpose="verify_email",
        code=code,
        expires_in_minutes=15,
    )


def test_every_event_field_that_looks_secret_is_declared_secret() -> None:
    for module in pkgutil.walk_packages(alora_core.__path__, "alora_core."):
        if module.name.endswith(".events"):
            importlib.import_module(module.name)
    undeclared = [
        f"{name}.{attribute.name}"
        for name in event_names()
        for attribute in fields(event_type(name))  # type: ignore[arg-type]
        if any(word in attribute.name for word in SECRET_LOOKING)
        and attribute.name not in secret_fields(event_type(name))
    ]
    assert undeclared == []
    assert secret_fields(CodeIssued) == ("code",)


def test_a_secret_is_sealed_in_the_message_and_opened_for_the_handler() -> None:
    event = issued()
    message = event_to_message(event, SEALER)
    assert message["sealed"] == ["code"]
    assert "271828" not in str(message)
    assert event_from_message(message, SEALER) == event


def test_an_event_with_secrets_is_never_written_without_a_sealer() -> None:
    with pytest.raises(ValueError, match="carries secrets"):
        event_to_message(issued())
    with pytest.raises(ValueError, match="sealed"):
        event_from_message(event_to_message(issued(), SEALER))


def test_a_sealed_secret_altered_or_sealed_with_another_key_cannot_be_opened() -> None:
    message = event_to_message(issued(), SEALER)
    with pytest.raises(SealBroken):
        event_from_message(message, FernetSealer(b"o" * 32))
    altered = {**message, "data": {**message["data"], "code": message["data"]["code"][:-4]}}
    with pytest.raises(SealBroken):
        event_from_message(altered, SEALER)


def test_views_and_reprs_show_secrets_redacted() -> None:
    event = issued()
    assert "271828" not in repr(event) and "code='[redacted]'" in repr(event)
    shown = redacted_message(event_to_message(event, SEALER))
    assert shown["data"]["code"] == "[redacted]"
    # A message stored before the field was declared secret is redacted all the same.
    clear = {"name": "user.code_issued", "data": {"code": "271828", "email": "bo@example.com"}}
    assert redacted_message(clear)["data"] == {"code": "[redacted]", "email": "bo@example.com"}
    unknown = {"name": "gone.event", "data": {"code": "x1"}, "sealed": ["code"]}
    assert redacted_message(unknown)["data"] == {"code": "[redacted]"}


def test_redact_text_replaces_every_occurrence_longest_first() -> None:
    assert redact_text("a 1234 b 123 c 1234", ["123", "1234"]) == (
        "a [redacted] b [redacted] c [redacted]"
    )
    assert redact_text("nothing here", []) == "nothing here"


class QuotingMailer(MemoryMailer):
    async def send(self, message: EmailMessage) -> None:
        raise RuntimeError(f"550 refused: {message.text}")


async def test_a_retried_failure_reaches_the_queue_without_the_secret() -> None:
    store = bootstrap.memory_store()
    alora = bootstrap.build_in_memory(clock=None, mailer=QuotingMailer(), store=store)
    user = await add_user(alora, "bo")
    async with alora.units_of_work["identity"]() as uow:
        loaded = await uow.users.get(user.id)
        assert loaded is not None
        loaded.record(issued("314159"))
        await uow.commit()
    [job] = await MemoryOutboxSource(store).take(10, NOW, timedelta(minutes=10))
    with pytest.raises(JobFailed) as failed:
        await alora.run_job(job, 0)  # the queue logs what it is given, then retries
    told = "".join(traceback.format_exception(failed.value))
    assert "550 refused" in told and "[redacted]" in told
    assert "314159" not in told
