"""What a commit changes for who is signed in, acted on right after it (``after_commit``).

The signed-in cache forgets every user whose account or sessions the commit changed, so their
next request reads them afresh (``SignedInCache``). When a commit may have ended access (a
session revoked, the password changed, the account suspended or deleted), the user's sockets
are told too: each checks its own token again at once and closes when it no longer holds.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from alora_core.identity import events
from alora_core.identity.ports import SignedInCache
from alora_core.shared.events import DomainEvent
from alora_core.shared.realtime import Realtime, user_topic

ENDS_ACCESS = (
    events.UserSuspended,
    events.UserDeleted,
    events.PasswordChanged,
    events.SessionRevoked,
    events.SessionRevokedForReuse,
)
CHANGES_SIGN_IN = (
    *ENDS_ACCESS,
    events.UserUpdated,
    events.UserUnsuspended,
    events.EmailVerified,
)
SESSION_CHANGED = "session.changed"
"""The event a user's sockets get when their access may have ended."""


def users_changed(committed: Iterable[DomainEvent]) -> set[uuid.UUID]:
    """The users whose account or sessions the committed events changed."""
    return {event.user_id for event in committed if isinstance(event, CHANGES_SIGN_IN)}


def access_maybe_ended(committed: Iterable[DomainEvent]) -> set[uuid.UUID]:
    """The users who may have lost access with the committed events."""
    return {event.user_id for event in committed if isinstance(event, ENDS_ACCESS)}


async def forget_changed(
    committed: list[DomainEvent], cache: SignedInCache, realtime: Realtime
) -> None:
    """The after-commit hook: forget the users the commit changed, recheck their sockets."""
    changed = users_changed(committed)
    if not changed:
        return
    await cache.forget(changed)
    for user_id in access_maybe_ended(committed):
        await realtime.publish(user_topic(user_id), SESSION_CHANGED, {})
