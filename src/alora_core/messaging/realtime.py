"""Messaging's after-commit hook: what connected members see at once.

Every committed ``ConversationChanged`` goes to the ``user:<id>`` topic of each of its
recipients as ``{"event": kind, "data": data}`` (``message.created``, ``message.edited``,
``message.deleted``, ``conversation.updated``, ``read.updated``), all of a commit's pushes in one
``publish_many``. Nothing of messaging is pushed through jobs: a push is best effort, and a
client that missed one catches up from the conversation's event log (``eventSeq``).

The same hook forgets the cached members of a conversation whose members changed (typing checks
them), and has the followers of both users' presence asked again after a commit that may have
made two users no longer contacts (``access.changed``, see ``presence``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from alora_core.messaging.conversations.events import ConversationChanged
from alora_core.messaging.presence import no_longer_contacts
from alora_core.messaging.typing import Memberships
from alora_core.shared.events import DomainEvent
from alora_core.shared.messagebus import AfterCommit
from alora_core.shared.presence import presence_topic
from alora_core.shared.realtime import ACCESS_CHANGED, Push, Realtime, user_topic

CONVERSATION_UPDATED = "conversation.updated"
MEMBER_CHANGES = frozenset({"created", "members-added", "member-removed", "member-left"})
"""The ``change`` of a ``conversation.updated`` that changes who is an active member."""


def pushes_of(committed: Iterable[DomainEvent]) -> list[Push]:
    """One push per recipient of each committed change, in commit order."""
    return [
        Push(user_topic(recipient), event.kind, event.data)
        for event in committed
        if isinstance(event, ConversationChanged)
        for recipient in event.recipients
    ]


def members_changed(committed: Iterable[DomainEvent]) -> set[uuid.UUID]:
    """The conversations whose active members a committed change changed."""
    return {
        event.conversation_id
        for event in committed
        if isinstance(event, ConversationChanged)
        and event.kind == CONVERSATION_UPDATED
        and event.data.get("change") in MEMBER_CHANGES
    }


def push_after_commit(realtime: Realtime, memberships: Memberships) -> AfterCommit:
    """The hook: forget changed memberships, then push the changes and the presence rechecks
    in one ``publish_many``."""

    async def after_commit(committed: list[DomainEvent]) -> None:
        memberships.forget(members_changed(committed))
        pushes = pushes_of(committed)
        pushes += [
            Push(presence_topic(user_id), ACCESS_CHANGED, {})
            for user_id in sorted(no_longer_contacts(committed))
        ]
        if pushes:
            await realtime.publish_many(pushes)

    return after_commit
