"""The repositories of message edits, the conversations' event log and message reports."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, func, insert, or_, select, update

from adapters.sqlalchemy.messaging.conversation_tables import (
    events_table,
    message_edits_table,
    reports_table,
)
from adapters.sqlalchemy.paging import windowed_page
from alora_core.messaging.conversations.model import (
    ConversationEvent,
    MessageEdit,
    MessageReport,
    ReportStatus,
)
from alora_core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

_edits = message_edits_table.c
_events = events_table.c
_reports = reports_table.c
_INSERT_EVENT = insert(events_table)  # built once (see ``SqlUnitOfWork.execute``)


class _Repository:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow


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

    async def erase(self, message_id: uuid.UUID) -> None:
        await self._uow.execute(delete(message_edits_table).where(_edits.message_id == message_id))


class SqlEventLog(_Repository):
    async def add(self, events: Sequence[ConversationEvent]) -> None:
        rows = [
            {
                "conversation_id": e.conversation_id,
                "seq": e.seq,
                "kind": e.kind,
                "data": e.data,
                "only_user_id": e.only_user_id,
                "message_id": e.message_id,
                "created_at": e.created_at,
            }
            for e in events
        ]
        if len(rows) == 1:
            await self._uow.execute(_INSERT_EVENT, rows[0])
        elif rows:
            await self._uow.insert_many(events_table, rows)

    async def after(
        self,
        conversation_id: uuid.UUID,
        after: int,
        *,
        user_id: uuid.UUID,
        up_to: int,
        limit: int,
    ) -> list[ConversationEvent]:
        statement = (
            select(events_table)
            .where(
                _events.conversation_id == conversation_id,
                _events.seq > after,
                _events.seq <= up_to,
                or_(_events.only_user_id.is_(None), _events.only_user_id == user_id),
            )
            .order_by(_events.seq)
            .limit(limit)
        )
        rows = await self._uow.execute(statement)
        return [ConversationEvent(**row._mapping) for row in rows]

    async def oldest_kept(self, conversation_id: uuid.UUID) -> int | None:
        statement = select(func.min(_events.seq)).where(_events.conversation_id == conversation_id)
        return await self._uow.scalar(statement)

    async def rewrite_message(
        self, conversation_id: uuid.UUID, message_id: uuid.UUID, message: dict[str, Any]
    ) -> int:
        of_message = and_(
            _events.conversation_id == conversation_id, _events.message_id == message_id
        )
        rows = (await self._uow.execute(select(_events.seq, _events.data).where(of_message))).all()
        for row in rows:
            await self._uow.execute(
                update(events_table)
                .where(of_message, _events.seq == row.seq)
                .values(data={**row.data, "message": message})
            )
        return len(rows)

    async def prune(self, before: datetime) -> int:
        result = await self._uow.execute(delete(events_table).where(_events.created_at < before))
        return int(getattr(result, "rowcount", 0) or 0)


class SqlMessageReports(_Repository):
    def add(self, report: MessageReport) -> None:
        self._uow.add(report)

    async def get(self, report_id: uuid.UUID) -> MessageReport | None:
        return await self._uow.get(MessageReport, report_id)

    async def by_reporter(
        self, message_id: uuid.UUID, reporter_id: uuid.UUID
    ) -> MessageReport | None:
        statement = select(MessageReport).filter_by(message_id=message_id, reporter_id=reporter_id)
        return await self._uow.first(statement)

    async def open_of(self, message_id: uuid.UUID) -> list[MessageReport]:
        statement = select(MessageReport).filter_by(message_id=message_id, status=ReportStatus.OPEN)
        return await self._uow.scalars(statement)

    async def page(self, status: ReportStatus, page: PageRequest) -> Page[MessageReport]:
        where = _reports.status == status
        statement: Any = (
            select(MessageReport, func.count().over().label("total"))
            .where(where)
            .order_by(_reports.created_at, _reports.id)
        )
        counting = select(func.count()).select_from(reports_table).where(where)
        return await windowed_page(self._uow, statement, counting, page, lambda row: row[0])
