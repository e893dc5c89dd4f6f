"""The outbox and job bookkeeping contract on the in-memory adapter."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.memory.jobs import MemoryOutboxSource
from adapters.memory.uow import MemoryStore, MemoryUnitOfWork
from suites.jobs_contract import *  # noqa: F403
from suites.jobs_contract import JobsBackend, add_user


@pytest.fixture
async def backend() -> JobsBackend:
    store = MemoryStore()

    def uow_factory(handlers_of: Any) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(store, handlers_of)

    user_id = await add_user(uow_factory(lambda _name: []))
    return JobsBackend(uow_factory, MemoryOutboxSource(store), user_id)


def test_a_subscription_with_a_condition_gets_jobs_only_for_the_events_it_accepts() -> None:
    from datetime import UTC, datetime
    from uuid import uuid4

    from alora_core.identity.events import UserUpdated
    from alora_core.shared.jobs import Subscriptions

    async def handle(event: UserUpdated, uow: Any) -> None:
        return None

    subscriptions = Subscriptions()
    subscriptions.add(UserUpdated, "a.always", handle)
    subscriptions.add(UserUpdated, "a.bio_only", handle, when=lambda e: "bio" in e.fields)
    now = datetime.now(UTC)
    bio = UserUpdated(occurred_at=now, user_id=uuid4(), fields=["bio"])
    name = UserUpdated(occurred_at=now, user_id=uuid4(), fields=["full_name"])
    assert subscriptions.handlers_of(bio) == ["a.always", "a.bio_only"]
    assert subscriptions.handlers_of(name) == ["a.always"]
    assert subscriptions.handlers_for("user.updated") == ["a.always", "a.bio_only"]
