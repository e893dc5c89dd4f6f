"""After a commit that may narrow who sees a user, their presence followers are told to ask
again (``access.changed`` on ``presence:<id>``); other commits tell them nothing."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import pytest

from alora_core.identity import events
from alora_core.identity.visibility import recheck_presence_followers, visibility_maybe_narrowed
from alora_core.shared.realtime import ACCESS_CHANGED, Push
from contexts.identity.records import NOW


class Published:
    def __init__(self) -> None:
        self.pushes: list[Push] = []

    async def publish(self, topic: str, event: str, data: dict[str, object]) -> None:
        self.pushes.append(Push(topic, event, dict(data)))

    async def publish_many(self, pushes: Sequence[Push]) -> None:
        self.pushes.extend(pushes)


@pytest.mark.memory
async def test_settings_role_suspension_and_deletion_recheck_presence_followers() -> None:
    hid, promoted, suspended, deleted, renamed = (uuid.uuid4() for _ in range(5))
    committed = [
        events.UserUpdated(occurred_at=NOW, user_id=hid, fields=["settings"]),
        events.UserUpdated(occurred_at=NOW, user_id=promoted, fields=["role"]),
        events.UserSuspended(occurred_at=NOW, user_id=suspended, reason="spam"),
        events.UserDeleted(occurred_at=NOW, user_id=deleted, email="d@example.com", full_name="D"),
        events.UserUpdated(occurred_at=NOW, user_id=renamed, fields=["bio", "full_name"]),
        events.UserUnsuspended(occurred_at=NOW, user_id=renamed),
    ]
    narrowed = {hid, promoted, suspended, deleted}
    assert visibility_maybe_narrowed(committed) == narrowed

    realtime = Published()
    await recheck_presence_followers(committed, realtime)
    assert sorted(realtime.pushes) == sorted(
        Push(f"presence:{user_id}", ACCESS_CHANGED, {}) for user_id in narrowed
    )


@pytest.mark.memory
async def test_a_commit_that_hides_no_one_publishes_nothing() -> None:
    realtime = Published()
    renamed = events.UserUpdated(occurred_at=NOW, user_id=uuid.uuid4(), fields=["full_name"])
    await recheck_presence_followers([renamed], realtime)
    assert realtime.pushes == []
