"""The repositories of conversations, members, messages, edits, the event log and reports, in
memory."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from alora_core.messaging.conversations.model import (
    Conversation,
    ConversationEvent,
    Member,
    Message,
    MessageEdit,
    MessageReport,
)

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork

CONVERSATIONS = "messaging_conversations"
MEMBERS = "messaging_members"
MESSAGES = "messaging_messages"
EDITS = "messaging_message_edits"
EVENTS = "messaging_events"
REPORTS = "messaging_reports"


class _Repository:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def _first(self, table: str, **equal: Any) -> Any | None:
        rows = self._uow.scan(table, lambda r: all(getattr(r, k) == v for k, v in equal.items()))
        return next(iter(rows), None)


class MemoryConversations(_Repository):
    def add(self, conversation: Conversation) -> None:
        self._uow.add(CONVERSATIONS, conversation)

    async def get(self, conversation_id: uuid.UUID, *, lock: bool = False) -> Conversation | None:
        conversation: Conversation | None = self._uow.load(CONVERSATIONS, conversation_id)
        return conversation

    async def direct(self, pair: str) -> Conversation | None:
        conversation: Conversation | None = self._first(CONVERSATIONS, direct_pair=pair)
        return conversation

    async def of_booking(self, booking_id: uuid.UUID) -> Conversation | None:
        conversation: Conversation | None = self._first(CONVERSATIONS, booking_id=booking_id)
        return conversation


class MemoryMembers(_Repository):
    def add(self, member: Member) -> None:
        self._uow.add(MEMBERS, member)

    async def get(self, conversation_id: uuid.UUID, user_id: uuid.UUID) -> Member | None:
        member: Member | None = self._first(
            MEMBERS, conversation_id=conversation_id, user_id=user_id
        )
        return member

    async def of(self, conversation_id: uuid.UUID) -> list[Member]:
        members = self._uow.scan(MEMBERS, lambda m: m.conversation_id == conversation_id)
        return sorted(members, key=lambda m: (m.joined_at, m.id))


class MemoryMessages(_Repository):
    def add(self, message: Message) -> None:
        self._uow.add(MESSAGES, message)

    async def get(self, message_id: uuid.UUID) -> Message | None:
        message: Message | None = self._uow.load(MESSAGES, message_id)
        return message

    async def by_client_id(self, sender_id: uuid.UUID, client_id: str) -> Message | None:
        message: Message | None = self._first(MESSAGES, sender_id=sender_id, client_id=client_id)
        return message


class MemoryMessageEdits(_Repository):
    async def add(self, edit: MessageEdit) -> None:
        self._uow.add(EDITS, edit)

    async def of(self, message_id: uuid.UUID) -> list[MessageEdit]:
        edits = self._uow.scan(EDITS, lambda e: e.message_id == message_id)
        return sorted(edits, key=lambda e: (e.edited_at, e.id))


class MemoryEventLog(_Repository):
    async def add(self, events: Sequence[ConversationEvent]) -> None:
        for event in events:
            self._uow.add(EVENTS, event)


class MemoryMessageReports(_Repository):
    def add(self, report: MessageReport) -> None:
        self._uow.add(REPORTS, report)

    async def get(self, report_id: uuid.UUID) -> MessageReport | None:
        report: MessageReport | None = self._uow.load(REPORTS, report_id)
        return report
