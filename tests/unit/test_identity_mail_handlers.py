"""Identity's email handlers, run as the job runner runs them: subscribed, inside a unit of work."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from adapters.memory.mail import MemoryMailer
from adapters.memory.uow import MemoryStore, MemoryUnitOfWork
from alora_core.identity.events import (
    CodeIssued,
    PasswordChanged,
    SessionRevokedForReuse,
    UserDeleted,
    UserRegistered,
)
from alora_core.identity.handlers import subscribe
from alora_core.identity.model import Role, User
from alora_core.shared.events import DomainEvent
from alora_core.shared.jobs import Subscriptions
from alora_core.shared.mail import Branding

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
BRANDING = Branding("Alora", "https://app.alora.test")


@pytest.fixture
def mailer() -> MemoryMailer:
    return MemoryMailer()


@pytest.fixture
def subscriptions(mailer: MemoryMailer) -> Subscriptions:
    subscriptions = Subscriptions()
    subscribe(subscriptions, mailer=mailer, branding=BRANDING)
    return subscriptions


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


async def add_user(store: MemoryStore) -> User:
    user = User(
        full_name="Ana Example",
        username="ana",
        email="ana@example.com",
        phone=None,
        password_hash="hash",
        role=Role.CUSTOMER,
        created_at=NOW,
    )
    async with MemoryUnitOfWork(store) as uow:
        await uow.users.add(user)
        await uow.commit()
    return user


async def handle(
    subscriptions: Subscriptions, handler: str, event: DomainEvent, store: MemoryStore
) -> None:
    subscription = subscriptions.get(handler)
    assert isinstance(event, subscription.event)
    async with MemoryUnitOfWork(store) as uow:
        await subscription.handle(event, uow)
        await uow.commit()


def test_subscribe_names_one_handler_per_identity_email(subscriptions: Subscriptions) -> None:
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
    subscriptions: Subscriptions,
    mailer: MemoryMailer,
    store: MemoryStore,
    handler: str,
    event: DomainEvent,
    subject: str,
) -> None:
    await handle(subscriptions, handler, event, store)

    [message] = mailer.sent
    assert (message.to, message.subject) == ("bo@example.com", subject)
    assert message.idempotency_key is not None
    assert message.idempotency_key.startswith(str(event.event_id))


async def test_a_security_alert_goes_to_the_user_of_the_revoked_session(
    subscriptions: Subscriptions, mailer: MemoryMailer, store: MemoryStore
) -> None:
    user = await add_user(store)
    event = SessionRevokedForReuse(occurred_at=NOW, user_id=user.id, session_id=uuid.uuid4())

    await handle(subscriptions, "identity.security_alert_email", event, store)

    [message] = mailer.to("ana@example.com")
    assert message.subject == "Security alert for your Alora account"
    assert "Hello Ana Example," in message.text
    assert message.idempotency_key == f"{event.event_id}.security_alert"


async def test_a_password_change_is_confirmed_to_the_user(
    subscriptions: Subscriptions, mailer: MemoryMailer, store: MemoryStore
) -> None:
    user = await add_user(store)
    event = PasswordChanged(occurred_at=NOW, user_id=user.id)

    await handle(subscriptions, "identity.password_changed_email", event, store)

    [message] = mailer.to("ana@example.com")
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
    subscriptions: Subscriptions,
    mailer: MemoryMailer,
    store: MemoryStore,
    handler: str,
    event_about: Callable[[uuid.UUID], DomainEvent],
) -> None:
    user = await add_user(store)
    async with MemoryUnitOfWork(store) as uow:
        loaded = await uow.users.get(user.id)
        assert loaded is not None
        await uow.users.delete(loaded)
        await uow.commit()

    await handle(subscriptions, handler, event_about(user.id), store)

    assert mailer.sent == []
