"""The repositories of conversations, members, messages, edits, the event log and reports."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, Protocol

from alora_core.messaging.conversations.model import (
    Conversation,
    ConversationEvent,
    Member,
    Message,
    MessageEdit,
    MessageReport,
    ReportStatus,
)
from alora_core.messaging.conversations.queries import (
    ActivityCursor,
    ConversationSummary,
    SendingState,
)
from alora_core.shared.pagination import Page, PageRequest


class Conversations(Protocol):
    def add(self, conversation: Conversation) -> None: ...

    async def get(self, conversation_id: uuid.UUID, *, lock: bool = False) -> Conversation | None:
        """The conversation; with ``lock`` its row stays locked until the commit (on
        PostgreSQL), so its counters move one transaction at a time, in commit order."""
        ...

    async def for_sending(
        self, conversation_id: uuid.UUID, sender_id: uuid.UUID, client_id: str
    ) -> SendingState | None:
        """The conversation with what a message of ``sender_id`` with ``client_id`` in it is
        checked against, in one read; None if there is no such conversation."""
        ...

    async def count_message(self, conversation: Conversation, now: datetime) -> bool:
        """Number a message of ``conversation`` (read before, in this unit of work or another)
        where it is stored, at once: ``last_seq`` and ``event_seq`` one past the stored ones,
        ``last_activity_at`` ``now``. The row stays locked until commit on PostgreSQL, so the
        numbers are gap-free in commit order; ``conversation`` gets the stored counters.
        False when the conversation is gone."""
        ...

    async def direct(self, pair: str) -> Conversation | None:
        """The direct conversation of the pair (``direct_pair``), if there is one."""
        ...

    async def of_booking(self, booking_id: uuid.UUID) -> Conversation | None: ...

    async def booking_counterparts(
        self, user_id: uuid.UUID, among: Collection[uuid.UUID]
    ) -> set[uuid.UUID]:
        """The users among ``among`` who share a booking's conversation with ``user_id`` (both
        members of it, current or past)."""
        ...

    async def summaries(
        self,
        user_id: uuid.UUID,
        *,
        after: ActivityCursor | None = None,
        limit: int = 1,
        conversation_id: uuid.UUID | None = None,
    ) -> list[ConversationSummary]:
        """The conversations ``user_id`` is or was a member of, newest activity first
        (``ConversationSummary.activity``, then id), those after ``after``; only
        ``conversation_id`` when given. One read, whatever the page's size."""
        ...


class Members(Protocol):
    def add(self, member: Member) -> None: ...

    async def get(self, conversation_id: uuid.UUID, user_id: uuid.UUID) -> Member | None:
        """The user's membership, current or past (``active`` says which)."""
        ...

    async def of(self, conversation_id: uuid.UUID) -> list[Member]:
        """Every membership of the conversation, current and past, in joining order."""
        ...

    async def of_many(
        self, conversation_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, list[Member]]:
        """``of`` for several conversations in one read, by conversation id."""
        ...

    async def mark_sent(self, member: Member, seq: int) -> bool:
        """Move the read marker of ``member`` (read before, in this unit of work or another)
        to ``seq``, their own message, where it is stored, at once; False when they are no
        longer an active member there."""
        ...


class Messages(Protocol):
    def add(self, message: Message) -> None: ...

    async def insert(self, message: Message) -> None:
        """Write a new message at once (the unit of work does not track it afterwards); a
        ``(sender_id, client_id)`` taken raises ``Conflict`` by commit at the latest."""
        ...

    async def get(self, message_id: uuid.UUID) -> Message | None: ...

    async def by_client_id(self, sender_id: uuid.UUID, client_id: str) -> Message | None: ...

    async def get_many(self, message_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Message]: ...

    async def page(
        self,
        conversation_id: uuid.UUID,
        *,
        before: int | None,
        after: int | None,
        limit: int,
        up_to: int | None,
    ) -> list[Message]:
        """At most ``limit`` messages by seq, oldest first: the first ones after ``after`` when
        it is given, else the last ones before ``before`` (the newest without either); none
        past ``up_to``."""
        ...

    async def unread_counts(
        self, user_id: uuid.UUID, conversation_id: uuid.UUID | None = None
    ) -> dict[uuid.UUID, int]:
        """By conversation (all the user's, or the one), the others' messages after the user's
        read marker that are not deleted, up to the last the user may read; one query.
        Conversations with none are left out."""
        ...


class MessageEdits(Protocol):
    async def add(self, edit: MessageEdit) -> None: ...

    async def of(self, message_id: uuid.UUID) -> list[MessageEdit]:
        """The bodies a message had before each edit, oldest first."""
        ...

    async def erase(self, message_id: uuid.UUID) -> None:
        """Forget the message's earlier bodies."""
        ...


class EventLog(Protocol):
    async def add(self, events: Sequence[ConversationEvent]) -> None: ...

    async def after(
        self,
        conversation_id: uuid.UUID,
        after: int,
        *,
        user_id: uuid.UUID,
        up_to: int,
        limit: int,
    ) -> list[ConversationEvent]:
        """The events numbered after ``after`` and up to ``up_to`` the user sees (for all, or
        kept to them), oldest first, at most ``limit``."""
        ...

    async def oldest_kept(self, conversation_id: uuid.UUID) -> int | None:
        """The seq of the conversation's oldest event still kept."""
        ...

    async def rewrite_message(
        self, conversation_id: uuid.UUID, message_id: uuid.UUID, message: dict[str, Any]
    ) -> int:
        """Make ``message`` the ``data["message"]`` of every logged event of the message (found
        by the events' ``message_id``), the rest of their data kept; how many it rewrote."""
        ...

    async def prune(self, before: datetime) -> int:
        """Delete the events made before ``before``; how many went."""
        ...


class MessageReports(Protocol):
    def add(self, report: MessageReport) -> None: ...

    async def get(self, report_id: uuid.UUID) -> MessageReport | None: ...

    async def by_reporter(
        self, message_id: uuid.UUID, reporter_id: uuid.UUID
    ) -> MessageReport | None: ...

    async def open_of(self, message_id: uuid.UUID) -> list[MessageReport]:
        """The message's open reports."""
        ...

    async def page(self, status: ReportStatus, page: PageRequest) -> Page[MessageReport]:
        """Reports in ``status``, oldest first."""
        ...


class OwnFiles(Protocol):
    async def files_of(
        self, owner_id: uuid.UUID, file_ids: Collection[uuid.UUID]
    ) -> set[uuid.UUID]:
        """Those of ``file_ids`` that name files ``owner_id`` uploaded."""
        ...
