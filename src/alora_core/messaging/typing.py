"""Typing: a member tells the conversation's other active members that they are typing.

Ephemeral: pushed to the others' ``user:<id>`` topics as ``typing {"conversationId",
"userId", "typing", "expiresInSeconds"}``, never logged, never replayed. A typist's client sends
``typing.start`` again while its user types; the others drop the indicator
``TYPING_EXPIRES_SECONDS`` after the last start, or at ``typing: false`` (``typing.stop``, or the
typist's socket closing while it typed). Each socket forwards at most one start per conversation
every ``TYPING_THROTTLE_SECONDS`` (``TypingThrottle``, kept in the socket's state): renewals in
between are answered and not pushed.

Checking membership on every keystroke must not read the database each time: ``Memberships``
keeps each conversation's active members for a few seconds in the process, and the after-commit
hook forgets a conversation whose members a commit of this process changed (another process's
change is seen once the entry expires).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from attrs import frozen

from alora_core.messaging.conversations.errors import ConversationNotFound
from alora_core.messaging.ports import MessagingUnitOfWork
from alora_core.shared.actor import Actor
from alora_core.shared.clock import Clock
from alora_core.shared.commands import Command
from alora_core.shared.realtime import Push, Realtime, user_topic

TYPING = "typing"
"""The event the other members get."""
TYPING_EXPIRES_SECONDS = 6
TYPING_THROTTLE_SECONDS = 2
MEMBERSHIPS_KEPT = timedelta(seconds=10)
MAX_CONVERSATIONS_KEPT = 10_000


class Memberships:
    """The active members of recently typed-in conversations, for ``kept`` each, in one
    process (at most ``size`` conversations: the least recently filled go first)."""

    def __init__(
        self, clock: Clock, kept: timedelta = MEMBERSHIPS_KEPT, size: int = MAX_CONVERSATIONS_KEPT
    ) -> None:
        self._clock = clock
        self._kept = kept
        self._size = size
        self._entries: dict[uuid.UUID, tuple[datetime, frozenset[uuid.UUID]]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, conversation_id: uuid.UUID) -> frozenset[uuid.UUID] | None:
        entry = self._entries.get(conversation_id)
        if entry is None:
            return None
        kept_at, members = entry
        if self._clock.now() - kept_at >= self._kept:
            del self._entries[conversation_id]
            return None
        return members

    def keep(self, conversation_id: uuid.UUID, members: frozenset[uuid.UUID]) -> None:
        self._entries.pop(conversation_id, None)
        self._entries[conversation_id] = (self._clock.now(), members)
        while len(self._entries) > self._size:
            del self._entries[next(iter(self._entries))]

    def forget(self, conversation_ids: Iterable[uuid.UUID]) -> None:
        for conversation_id in conversation_ids:
            self._entries.pop(conversation_id, None)


@frozen(kw_only=True)
class SendTyping(Command[None]):
    """The actor started (``typing``) or stopped typing in the conversation; ``forward``: tell
    the other members (False: a renewal the socket's throttle holds back, only checked)."""

    actor: Actor
    conversation_id: uuid.UUID
    typing: bool
    forward: bool = True


@frozen(kw_only=True)
class TypingDeps:
    realtime: Realtime
    memberships: Memberships


async def send_typing(cmd: SendTyping, uow: MessagingUnitOfWork, deps: TypingDeps) -> None:
    """``ConversationNotFound`` unless the actor is an active member."""
    user_id = cmd.actor.require_user_id()
    members = await _active_members(cmd.conversation_id, uow, deps.memberships)
    if user_id not in members:
        raise ConversationNotFound("no such conversation")
    if not cmd.forward:
        return
    data = {
        "conversationId": str(cmd.conversation_id),
        "userId": str(user_id),
        "typing": cmd.typing,
        "expiresInSeconds": TYPING_EXPIRES_SECONDS,
    }
    others = sorted(members - {user_id})
    if others:
        await deps.realtime.publish_many([Push(user_topic(o), TYPING, data) for o in others])


async def _active_members(
    conversation_id: uuid.UUID, uow: MessagingUnitOfWork, memberships: Memberships
) -> frozenset[uuid.UUID]:
    members = memberships.get(conversation_id)
    if members is not None:
        return members
    async with uow.reading():
        conversation = await uow.conversations.get(conversation_id)
        everyone = await uow.members.of(conversation_id) if conversation is not None else []
    members = frozenset(member.user_id for member in everyone if member.active)
    if conversation is not None:
        memberships.keep(conversation_id, members)
    return members


def command_handlers(deps: TypingDeps) -> dict[type, Callable[..., Any]]:
    return {SendTyping: partial(send_typing, deps=deps)}


class TypingThrottle:
    """What one socket started typing and when, in the socket's state (``state["typing"]``):
    which starts to forward, and what is still being typed when the socket closes."""

    def __init__(self, state: dict[str, Any]) -> None:
        self._started: dict[uuid.UUID, datetime] = state.setdefault("typing", {})

    def forward(self, conversation_id: uuid.UUID, typing: bool, now: datetime) -> bool:
        """Whether to tell the others: a start unless one was forwarded less than
        ``TYPING_THROTTLE_SECONDS`` ago; a stop when this socket's start still shows."""
        self._expire(now)
        if not typing:
            return self._started.pop(conversation_id, None) is not None
        last = self._started.get(conversation_id)
        if last is not None and now - last < timedelta(seconds=TYPING_THROTTLE_SECONDS):
            return False
        self._started[conversation_id] = now
        return True

    def refused(self, conversation_id: uuid.UUID) -> None:
        """The start just forwarded was refused: nothing was started."""
        self._started.pop(conversation_id, None)

    def still_typing(self, now: datetime) -> list[uuid.UUID]:
        """The conversations whose start still shows to the others."""
        self._expire(now)
        return list(self._started)

    def _expire(self, now: datetime) -> None:
        expiry = timedelta(seconds=TYPING_EXPIRES_SECONDS)
        for conversation_id, started_at in list(self._started.items()):
            if now - started_at >= expiry:
                del self._started[conversation_id]
