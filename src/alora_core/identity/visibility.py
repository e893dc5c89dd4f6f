"""Who may see a user, acted on right after a commit that may have narrowed it.

A user's presence (``presence:<id>``) is shown to whoever may see their profile. A commit that
may narrow that (their settings or role changed, they were suspended or deleted) publishes
``ACCESS_CHANGED`` on their presence topic: every socket following it, on every process, asks
again at once and stops following it when it no longer may.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from alora_core.identity import events
from alora_core.shared.events import DomainEvent
from alora_core.shared.presence import presence_topic
from alora_core.shared.realtime import ACCESS_CHANGED, Push, Realtime

HIDES = (events.UserSuspended, events.UserDeleted)
VISIBILITY_FIELDS = frozenset({"settings", "role"})
"""The fields of ``UserUpdated`` that decide who may see the user (an administrator's profile
is seen by no one else; the settings hold the profile's visibility)."""


def visibility_maybe_narrowed(committed: Iterable[DomainEvent]) -> set[uuid.UUID]:
    """The users whom fewer people may see after the committed events."""
    return {
        event.user_id
        for event in committed
        if isinstance(event, HIDES)
        or (isinstance(event, events.UserUpdated) and VISIBILITY_FIELDS & set(event.fields))
    }


async def recheck_presence_followers(committed: list[DomainEvent], realtime: Realtime) -> None:
    """The after-commit hook: the followers of each such user's presence ask again."""
    users = visibility_maybe_narrowed(committed)
    if users:
        await realtime.publish_many(
            [Push(presence_topic(user_id), ACCESS_CHANGED, {}) for user_id in sorted(users)]
        )
