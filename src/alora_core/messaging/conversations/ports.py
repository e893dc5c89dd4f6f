"""The repositories of conversations, members, messages, edits, the event log and reports."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Protocol

from alora_core.messaging.conversations.model import (
    Conversation,
    ConversationEvent,
    Member,
    Message,
    MessageEdit,
    MessageReport,
)


class Conversations(Protocol):
    def add(self, conversation: Conversation) -> None: ...

    async def get(self, conversation_id: uuid.UUID, *, lock: bool = False) -> Conversation | None:
        """The conversation; with ``lock`` its row stays locked until the commit (on
        PostgreSQL), so its counters move one transaction at a time, in commit order."""
        ...

    async def direct(self, pair: str) -> Conversation | None:
        """The direct conversation of the pair (``direct_pair``), if there is one."""
        ...

    async def of_booking(self, booking_id: uuid.UUID) -> Conversation | None: ...


class Members(Protocol):
    def add(self, member: Member) -> None: ...

    async def get(self, conversation_id: uuid.UUID, user_id: uuid.UUID) -> Member | None:
        """The user's membership, current or past (``active`` says which)."""
        ...

    async def of(self, conversation_id: uuid.UUID) -> list[Member]:
        """Every membership of the conversation, current and past, in joining order."""
        ...


class Messages(Protocol):
    def add(self, message: Message) -> None: ...

    async def get(self, message_id: uuid.UUID) -> Message | None: ...

    async def by_client_id(self, sender_id: uuid.UUID, client_id: str) -> Message | None: ...


class MessageEdits(Protocol):
    async def add(self, edit: MessageEdit) -> None: ...

    async def of(self, message_id: uuid.UUID) -> list[MessageEdit]:
        """The bodies a message had before each edit, oldest first."""
        ...


class EventLog(Protocol):
    async def add(self, events: Sequence[ConversationEvent]) -> None: ...


class MessageReports(Protocol):
    def add(self, report: MessageReport) -> None: ...

    async def get(self, report_id: uuid.UUID) -> MessageReport | None: ...
