"""The repositories of conversations, members, messages, edits, the event log and reports."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select

from adapters.sqlalchemy.messaging.conversation_tables import (
    events_table,
    members_table,
    message_edits_table,
)
from alora_core.messaging.conversations.model import (
    Conversation,
    ConversationEvent,
    Member,
    Message,
    MessageEdit,
    MessageReport,
)

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

_edits = message_edits_table.c


class _Repository:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow


class SqlConversations(_Repository):
    def add(self, conversation: Conversation) -> None:
        self._uow.add(conversation)

    async def get(self, conversation_id: uuid.UUID, *, lock: bool = False) -> Conversation | None:
        return await self._uow.get(Conversation, conversation_id, for_update=lock)

    async def direct(self, pair: str) -> Conversation | None:
        return await self._uow.first(select(Conversation).filter_by(direct_pair=pair))

    async def of_booking(self, booking_id: uuid.UUID) -> Conversation | None:
        return await self._uow.first(select(Conversation).filter_by(booking_id=booking_id))


class SqlMembers(_Repository):
    def add(self, member: Member) -> None:
        self._uow.add(member)

    async def get(self, conversation_id: uuid.UUID, user_id: uuid.UUID) -> Member | None:
        statement = select(Member).filter_by(conversation_id=conversation_id, user_id=user_id)
        return await self._uow.first(statement)

    async def of(self, conversation_id: uuid.UUID) -> list[Member]:
        statement = (
            select(Member)
            .filter_by(conversation_id=conversation_id)
            .order_by(members_table.c.joined_at, members_table.c.id)
        )
        return await self._uow.scalars(statement)


class SqlMessages(_Repository):
    def add(self, message: Message) -> None:
        self._uow.add(message)

    async def get(self, message_id: uuid.UUID) -> Message | None:
        return await self._uow.get(Message, message_id)

    async def by_client_id(self, sender_id: uuid.UUID, client_id: str) -> Message | None:
        statement = select(Message).filter_by(sender_id=sender_id, client_id=client_id)
        return await self._uow.first(statement)


class SqlMessageEdits(_Repository):
    async def add(self, edit: MessageEdit) -> None:
        row = {"id": edit.id, "message_id": edit.message_id, "body": edit.body}
        await self._uow.insert_many(message_edits_table, [{**row, "edited_at": edit.edited_at}])

    async def of(self, message_id: uuid.UUID) -> list[MessageEdit]:
        statement = (
            select(_edits.id, _edits.message_id, _edits.body, _edits.edited_at)
            .where(_edits.message_id == message_id)
            .order_by(_edits.edited_at, _edits.id)
        )
        rows = await self._uow.execute(statement)
        return [MessageEdit(**row._mapping) for row in rows]


class SqlEventLog(_Repository):
    async def add(self, events: Sequence[ConversationEvent]) -> None:
        rows = [
            {
                "conversation_id": e.conversation_id,
                "seq": e.seq,
                "kind": e.kind,
                "data": e.data,
                "only_user_id": e.only_user_id,
                "created_at": e.created_at,
            }
            for e in events
        ]
        if rows:
            await self._uow.insert_many(events_table, rows)


class SqlMessageReports(_Repository):
    def add(self, report: MessageReport) -> None:
        self._uow.add(report)

    async def get(self, report_id: uuid.UUID) -> MessageReport | None:
        return await self._uow.get(MessageReport, report_id)
