"""Identity's email handlers, run as the job runner runs them: as Alora subscribed them, inside
identity's unit of work, on every backend (``alora`` fixture: ``conftest.py``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from adapters.memory.mail import MemoryMailer
from alora_core.identity.events import (
    CodeIssued,
    PasswordChanged,
    SessionRevokedForReuse,
    UserDeleted,
    UserRegistered,
)
from alora_core.identity.handlers import subscribe
from alora_core.shared.events import DomainEvent
from alora_core.shared.jobs import Subscriptions
from alora_core.shared.mail import Branding
from entrypoints.bootstrap import Alora
from support.builders import add_user, delete_user

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def mailer(alora: Alora) -> MemoryMailer:
    assert isinstance(alora.mailer, MemoryMailer)
    return alora.mailer


async def handle(alora: Alora, handler: str, event: DomainEvent) -> None:
    subscription = alora.subscriptions.get(handler)
    assert isinstance(event, subscription.event)
    async with subscription.unit_of_work() as uow:
        await subscription.handle(event, uow)
        await uow.commit()


def test_subscribe_names_one_handler_per_identity_email() -> None:
    subscriptions = Subscriptions()
    subscribe(subscriptions.in_context(lambda: None), mailer=MemoryMailer(), branding=Branding())
    assert {(s.handler, s.event) for s in subscriptions} == {
        ("identity.code_email", CodeIssued),
        ("identity.welcome_email", UserRegistered),
        ("identity.account_deleted_email", UserDeleted),
        ("identity.security_alert_email", SessionRevokedForReuse),
        ("identity.password_changed_email", PasswordChanged),
    }


@pytest.mark.parametrize(
    ("handler", "event", "subject"),
    [
        (
            "identity.code_email",
            CodeIssued(
                occurred_at=NOW,
                user_id=uuid.uuid4(),
                email="bo@example.com",
                full_name="Bo",
                purpose="verify_email",
                code="123456",
                expires_in_minutes=15,
            ),
            "Verify your email address for Alora",
        ),
        (
            "identity.welcome_email",
            UserRegistered(
                occurred_at=NOW,
                user_id=uuid.uuid4(),
                email="bo@example.com",
                full_name="Bo",
                role="customer",
            ),
            "Welcome to Alora",
        ),
        (
            "identity.account_deleted_email",
            UserDeleted(
                occurred_at=NOW, user_id=uuid.uuid4(), email="bo@example.com", full_name="Bo"
            ),
            "Your Alora account has been deleted",
        ),
    ],
)
async def test_events_that_carry_the_address_are_mailed_to_it(
    alora: Alora,
    handler: str,
    event: DomainEvent,
    subject: str,
) -> None:
    await handle(alora, handler, event)

    [message] = mailer(alora).sent
    assert (message.to, message.subject) == ("bo@example.com", subject)
    assert message.idempotency_key is not None
    assert message.idempotency_key.startswith(str(event.event_id))


async def test_a_security_alert_goes_to_the_user_of_the_revoked_session(
    alora: Alora,
) -> None:
    user = await add_user(alora, "ana")
    event = SessionRevokedForReuse(occurred_at=NOW, user_id=user.id, session_id=uuid.uuid4())

    await handle(alora, "identity.security_alert_email", event)

    [message] = mailer(alora).to("ana@example.com")
    assert message.subject == "Security alert for your Alora account"
    assert "Hello Ana Example," in message.text
    assert message.idempotency_key == f"{event.event_id}.security_alert"


async def test_a_password_change_is_confirmed_to_the_user(
    alora: Alora,
) -> None:
    user = await add_user(alora, "ana")
    event = PasswordChanged(occurred_at=NOW, user_id=user.id)

    await handle(alora, "identity.password_changed_email", event)

    [message] = mailer(alora).to("ana@example.com")
    assert message.subject == "Your Alora password was changed"
    assert message.idempotency_key == f"{event.event_id}.password_changed"


@pytest.mark.parametrize(
    ("handler", "event_about"),
    [
        (
            "identity.security_alert_email",
            lambda user_id: SessionRevokedForReuse(
                occurred_at=NOW, user_id=user_id, session_id=uuid.uuid4()
            ),
        ),
        (
            "identity.password_changed_email",
            lambda user_id: PasswordChanged(occurred_at=NOW, user_id=user_id),
        ),
    ],
)
async def test_nothing_is_sent_about_a_user_deleted_meanwhile(
    alora: Alora,
    handler: str,
    event_about: Callable[[uuid.UUID], DomainEvent],
) -> None:
    user = await add_user(alora, "ana")
    await delete_user(alora, user.id)

    await handle(alora, handler, event_about(user.id))

    assert mailer(alora).sent == []
