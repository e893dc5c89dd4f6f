"""Conversations' commands (direct and group conversations, their members, the list, muting).
``actor`` is the signed-in user who asks."""

from __future__ import annotations

import uuid
from datetime import datetime

from attrs import frozen

from alora_core.messaging.conversations.model import MemberRole
from alora_core.messaging.conversations.queries import ConversationView
from alora_core.shared.actor import Actor
from alora_core.shared.commands import Command
from alora_core.shared.pagination import CursorPage


@frozen(kw_only=True)
class Opened:
    view: ConversationView
    created: bool
    """False when the conversation already existed."""


@frozen(kw_only=True)
class OpenDirect(Command[Opened]):
    """Get or create the actor's direct conversation with ``user_id``."""

    actor: Actor
    user_id: uuid.UUID


@frozen(kw_only=True)
class CreateGroup(Command[ConversationView]):
    """A group conversation owned by the actor, with ``member_ids`` as members."""

    actor: Actor
    title: str
    member_ids: tuple[uuid.UUID, ...]


@frozen(kw_only=True)
class RenameGroup(Command[ConversationView]):
    actor: Actor
    conversation_id: uuid.UUID
    title: str


@frozen(kw_only=True)
class AddMembers(Command[ConversationView]):
    actor: Actor
    conversation_id: uuid.UUID
    user_ids: tuple[uuid.UUID, ...]


@frozen(kw_only=True)
class RemoveMember(Command[ConversationView]):
    actor: Actor
    conversation_id: uuid.UUID
    user_id: uuid.UUID


@frozen(kw_only=True)
class LeaveConversation(Command[ConversationView]):
    """The actor leaves a group: they keep its history up to now, read-only."""

    actor: Actor
    conversation_id: uuid.UUID


@frozen(kw_only=True)
class SetMemberRole(Command[ConversationView]):
    actor: Actor
    conversation_id: uuid.UUID
    user_id: uuid.UUID
    role: MemberRole


@frozen(kw_only=True)
class ListConversations(Command[CursorPage[ConversationView]]):
    actor: Actor
    cursor: str | None = None
    limit: int = 20


@frozen(kw_only=True)
class GetConversation(Command[ConversationView]):
    actor: Actor
    conversation_id: uuid.UUID


@frozen(kw_only=True)
class MuteConversation(Command[ConversationView]):
    """No notifications of the conversation for the actor until ``until``, or ever (None)."""

    actor: Actor
    conversation_id: uuid.UUID
    until: datetime | None = None


@frozen(kw_only=True)
class UnmuteConversation(Command[ConversationView]):
    actor: Actor
    conversation_id: uuid.UUID
