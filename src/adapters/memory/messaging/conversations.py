"""The repositories of conversations, members, messages, edits, the event log and reports, in
memory."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from attrs import evolve

from adapters.memory.messaging.connections import BLOCKS
from adapters.memory.paging import list_page
from alora_core.messaging.conversations.model import (
    Conversation,
    ConversationEvent,
    ConversationKind,
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
from alora_core.shared.errors import Conflict
from alora_core.shared.pagination import Page, PageRequest

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

    async def for_sending(
        self, conversation_id: uuid.UUID, sender_id: uuid.UUID, client_id: str
    ) -> SendingState | None:
        conversation = await self.get(conversation_id)
        if conversation is None:
            return None
        members = self._uow.scan(MEMBERS, lambda m: m.conversation_id == conversation_id)
        ordered = sorted(members, key=lambda m: (m.joined_at, m.id))
        ids = {m.user_id for m in ordered}
        blocked = {
            b.blocked_id if b.blocker_id == sender_id else b.blocker_id
            for b in self._uow.scan(BLOCKS, lambda b: sender_id in b.pair)
        }
        stored = self._first(MESSAGES, sender_id=sender_id, client_id=client_id)
        return SendingState(
            conversation=conversation,
            members=ordered,
            blocked=frozenset(blocked & ids),
            stored_id=None if stored is None else stored.id,
        )

    async def count_message(self, conversation: Conversation, now: datetime) -> bool:
        stored: Conversation | None = self._uow.load(CONVERSATIONS, conversation.id)
        if stored is None:
            return False
        stored.next_message_seq(now)
        stored.next_event_seq()
        conversation.last_seq, conversation.event_seq = stored.last_seq, stored.event_seq
        conversation.last_activity_at = now
        return True

    async def direct(self, pair: str) -> Conversation | None:
        conversation: Conversation | None = self._first(CONVERSATIONS, direct_pair=pair)
        return conversation

    async def of_booking(self, booking_id: uuid.UUID) -> Conversation | None:
        conversation: Conversation | None = self._first(CONVERSATIONS, booking_id=booking_id)
        return conversation

    async def booking_counterparts(
        self, user_id: uuid.UUID, among: Collection[uuid.UUID]
    ) -> set[uuid.UUID]:
        wanted = set(among)
        mine = {m.conversation_id for m in self._uow.scan(MEMBERS, lambda m: m.user_id == user_id)}
        bookings = {
            c.id
            for c in self._uow.scan(
                CONVERSATIONS, lambda c: c.id in mine and c.kind is ConversationKind.BOOKING
            )
        }
        return {
            m.user_id
            for m in self._uow.scan(
                MEMBERS, lambda m: m.conversation_id in bookings and m.user_id in wanted
            )
        }

    async def summaries(
        self,
        user_id: uuid.UUID,
        *,
        after: ActivityCursor | None = None,
        limit: int = 1,
        conversation_id: uuid.UUID | None = None,
    ) -> list[ConversationSummary]:
        found = []
        for member in self._uow.scan(MEMBERS, lambda m: m.user_id == user_id):
            if conversation_id is not None and member.conversation_id != conversation_id:
                continue
            conversation = self._uow.load(CONVERSATIONS, member.conversation_id)
            if conversation is not None:
                found.append(self._summary(conversation, member))
        found.sort(key=lambda s: (s.activity, s.conversation.id), reverse=True)
        if after is not None:
            found = [
                s
                for s in found
                if (s.activity, s.conversation.id) < (after.activity, after.conversation_id)
            ]
        return found[:limit]

    def _summary(self, conversation: Conversation, member: Member) -> ConversationSummary:
        up_to = conversation.last_seq if member.until_seq is None else member.until_seq
        messages = list(
            self._uow.scan(
                MESSAGES, lambda m: m.conversation_id == conversation.id and m.seq <= up_to
            )
        )
        unread = [
            m
            for m in messages
            if m.seq > member.read_seq and not m.deleted and m.sender_id != member.user_id
        ]
        last = next((m for m in messages if m.seq == up_to), None)
        return ConversationSummary(
            conversation=conversation, member=member, unread_count=len(unread), last_message=last
        )


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

    async def of_many(
        self, conversation_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, list[Member]]:
        return {i: await self.of(i) for i in conversation_ids}

    async def mark_sent(self, member: Member, seq: int) -> bool:
        stored: Member | None = self._uow.load(MEMBERS, member.id)
        if stored is None or not stored.active:
            return False
        stored.read_seq = seq
        return True


class MemoryMessages(_Repository):
    def add(self, message: Message) -> None:
        self._uow.add(MESSAGES, message)
        self._uow.before_commit(partial(self._unique_client_id, message))

    async def insert(self, message: Message) -> None:
        self.add(message)

    def _unique_client_id(self, message: Message) -> None:
        """The SQL tables' unique ``(sender_id, client_id)``."""
        for stored in self._uow.store.rows(MESSAGES).values():
            if (
                stored.id != message.id
                and stored.sender_id == message.sender_id
                and stored.client_id == message.client_id
            ):
                raise Conflict("client_id is already in use", field="client_id")

    async def get(self, message_id: uuid.UUID) -> Message | None:
        message: Message | None = self._uow.load(MESSAGES, message_id)
        return message

    async def by_client_id(self, sender_id: uuid.UUID, client_id: str) -> Message | None:
        message: Message | None = self._first(MESSAGES, sender_id=sender_id, client_id=client_id)
        return message

    async def get_many(self, message_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Message]:
        found = {}
        for message_id in set(message_ids):
            message: Message | None = self._uow.load(MESSAGES, message_id)
            if message is not None:
                found[message_id] = message
        return found

    async def page(
        self,
        conversation_id: uuid.UUID,
        *,
        before: int | None,
        after: int | None,
        limit: int,
        up_to: int | None,
    ) -> list[Message]:
        def wanted(m: Message) -> bool:
            return (
                m.conversation_id == conversation_id
                and (up_to is None or m.seq <= up_to)
                and (before is None or m.seq < before)
                and (after is None or m.seq > after)
            )

        found = sorted(self._uow.scan(MESSAGES, wanted), key=lambda m: m.seq)
        return found[:limit] if after is not None else found[-limit:]

    async def unread_counts(
        self, user_id: uuid.UUID, conversation_id: uuid.UUID | None = None
    ) -> dict[uuid.UUID, int]:
        members = {
            m.conversation_id: m
            for m in self._uow.scan(
                MEMBERS,
                lambda m: (
                    m.user_id == user_id
                    and (conversation_id is None or m.conversation_id == conversation_id)
                ),
            )
        }

        def unread(m: Message) -> bool:
            member = members.get(m.conversation_id)
            return (
                member is not None
                and m.seq > member.read_seq
                and (member.until_seq is None or m.seq <= member.until_seq)
                and m.deleted_at is None
                and m.sender_id != user_id
            )

        counts: dict[uuid.UUID, int] = {}
        for message in self._uow.scan(MESSAGES, unread):
            counts[message.conversation_id] = counts.get(message.conversation_id, 0) + 1
        return counts


class MemoryMessageEdits(_Repository):
    async def add(self, edit: MessageEdit) -> None:
        self._uow.add(EDITS, edit)

    async def of(self, message_id: uuid.UUID) -> list[MessageEdit]:
        edits = self._uow.scan(EDITS, lambda e: e.message_id == message_id)
        return sorted(edits, key=lambda e: (e.edited_at, e.id))

    async def erase(self, message_id: uuid.UUID) -> None:
        for edit in list(self._uow.scan(EDITS, lambda e: e.message_id == message_id)):
            self._uow.delete(EDITS, edit)


class MemoryEventLog(_Repository):
    async def add(self, events: Sequence[ConversationEvent]) -> None:
        for event in events:
            self._uow.add(EVENTS, event)

    async def after(
        self,
        conversation_id: uuid.UUID,
        after: int,
        *,
        user_id: uuid.UUID,
        up_to: int,
        limit: int,
    ) -> list[ConversationEvent]:
        def wanted(e: ConversationEvent) -> bool:
            return (
                e.conversation_id == conversation_id
                and after < e.seq <= up_to
                and e.only_user_id in (None, user_id)
            )

        return sorted(self._uow.scan(EVENTS, wanted), key=lambda e: e.seq)[:limit]

    async def oldest_kept(self, conversation_id: uuid.UUID) -> int | None:
        seqs = [
            e.seq for e in self._uow.scan(EVENTS, lambda e: e.conversation_id == conversation_id)
        ]
        return min(seqs, default=None)

    async def rewrite_message(
        self, conversation_id: uuid.UUID, message_id: uuid.UUID, message: dict[str, Any]
    ) -> int:
        def of_message(e: ConversationEvent) -> bool:
            return e.conversation_id == conversation_id and e.message_id == message_id

        events = list(self._uow.scan(EVENTS, of_message))
        for event in events:
            self._uow.add(EVENTS, evolve(event, data={**event.data, "message": message}))
        return len(events)

    async def prune(self, before: datetime) -> int:
        old = list(self._uow.scan(EVENTS, lambda e: e.created_at < before))
        for event in old:
            self._uow.delete(EVENTS, event)
        return len(old)


class MemoryMessageReports(_Repository):
    def add(self, report: MessageReport) -> None:
        self._uow.add(REPORTS, report)
        self._uow.before_commit(partial(self._one_per_reporter, report))

    def _one_per_reporter(self, report: MessageReport) -> None:
        """The SQL tables' unique ``(message_id, reporter_id)``."""
        for stored in self._uow.store.rows(REPORTS).values():
            if (
                stored.id != report.id
                and stored.message_id == report.message_id
                and stored.reporter_id == report.reporter_id
            ):
                raise Conflict("this message was already reported")

    async def get(self, report_id: uuid.UUID) -> MessageReport | None:
        report: MessageReport | None = self._uow.load(REPORTS, report_id)
        return report

    async def by_reporter(
        self, message_id: uuid.UUID, reporter_id: uuid.UUID
    ) -> MessageReport | None:
        report: MessageReport | None = self._first(
            REPORTS, message_id=message_id, reporter_id=reporter_id
        )
        return report

    async def open_of(self, message_id: uuid.UUID) -> list[MessageReport]:
        return list(
            self._uow.scan(
                REPORTS, lambda r: r.message_id == message_id and r.status is ReportStatus.OPEN
            )
        )

    async def page(self, status: ReportStatus, page: PageRequest) -> Page[MessageReport]:
        found = sorted(
            self._uow.scan(REPORTS, lambda r: r.status is status),
            key=lambda r: (r.created_at, r.id),
        )
        return list_page(found, page)
