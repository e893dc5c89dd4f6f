"""The repositories of conversations, members and messages (edits, the event log and reports
are in ``message_log``)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import BindParameter, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from adapters.sqlalchemy.messaging.connections import blocks_table
from adapters.sqlalchemy.messaging.conversation_tables import (
    conversations_table,
    members_table,
    messages_table,
)
from alora_core.messaging.conversations.model import (
    Conversation,
    ConversationKind,
    Member,
    Message,
)
from alora_core.messaging.conversations.queries import (
    ActivityCursor,
    ConversationSummary,
    SendingState,
)

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

_m = messages_table.c
_members = members_table.c
_c = conversations_table.c
_b = blocks_table.c

# The statements of sending a message, built once (see ``SqlUnitOfWork.execute``).
_sender: BindParameter[Any] = bindparam("sender_id")
_FOR_SENDING = (
    select(
        Conversation,
        Member,
        select(_b.id)
        .where(
            or_(
                and_(_b.blocker_id == _sender, _b.blocked_id == _members.user_id),
                and_(_b.blocker_id == _members.user_id, _b.blocked_id == _sender),
            )
        )
        .exists()
        .label("blocked"),
        select(_m.id)
        .where(_m.sender_id == _sender, _m.client_id == bindparam("client_id"))
        .scalar_subquery()
        .label("stored_id"),
    )
    .select_from(conversations_table)
    .outerjoin(members_table, _members.conversation_id == _c.id)
    .where(_c.id == bindparam("conversation_id"))
    .order_by(_members.joined_at, _members.id)
)
_COUNT_MESSAGE = (
    update(conversations_table)
    .where(_c.id == bindparam("conversation_id"))
    .values(
        last_seq=_c.last_seq + 1,
        event_seq=_c.event_seq + 1,
        last_activity_at=bindparam("now", type_=_c.last_activity_at.type),
        version=_c.version + 1,
    )
    .returning(_c.last_seq, _c.event_seq, _c.version)
)
_MARK_SENT = (
    update(members_table)
    .where(_members.id == bindparam("member_id"), _members.left_at.is_(None))
    .values(read_seq=bindparam("seq"), version=_members.version + 1)
)
_INSERT_MESSAGE = insert(messages_table)


class _Repository:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow


class SqlConversations(_Repository):
    def add(self, conversation: Conversation) -> None:
        self._uow.add(conversation)

    async def get(self, conversation_id: uuid.UUID, *, lock: bool = False) -> Conversation | None:
        return await self._uow.get(Conversation, conversation_id, for_update=lock)

    async def for_sending(
        self, conversation_id: uuid.UUID, sender_id: uuid.UUID, client_id: str
    ) -> SendingState | None:
        params = {"conversation_id": conversation_id, "sender_id": sender_id}
        result = await self._uow.execute(_FOR_SENDING, {**params, "client_id": client_id})
        rows: list[tuple[Any, ...]] = [tuple(row) for row in result]
        if not rows:
            return None
        members = [member for _, member, _, _ in rows if member is not None]
        return SendingState(
            conversation=rows[0][0],
            members=members,
            blocked=frozenset(member.user_id for _, member, blocked, _ in rows if blocked),
            stored_id=rows[0][3],
        )

    async def count_message(self, conversation: Conversation, now: datetime) -> bool:
        # One statement that locks, counts and reads the counters back.
        params = {"conversation_id": conversation.id, "now": now}
        row = (await self._uow.execute(_COUNT_MESSAGE, params)).first()
        if row is None:
            return False
        # As loaded, not as changed: were it an object of this session, the ORM would write
        # it again at commit.
        for key, value in zip(("last_seq", "event_seq", "version"), row, strict=True):
            set_committed_value(conversation, key, value)
        set_committed_value(conversation, "last_activity_at", now)
        return True

    async def direct(self, pair: str) -> Conversation | None:
        return await self._uow.first(select(Conversation).filter_by(direct_pair=pair))

    async def of_booking(self, booking_id: uuid.UUID) -> Conversation | None:
        return await self._uow.first(select(Conversation).filter_by(booking_id=booking_id))

    async def booking_counterparts(
        self, user_id: uuid.UUID, among: Collection[uuid.UUID]
    ) -> set[uuid.UUID]:
        if not among:
            return set()
        mine, theirs = members_table.alias("mine"), members_table.alias("theirs")
        statement = (
            select(theirs.c.user_id)
            .distinct()
            .join(mine, mine.c.conversation_id == theirs.c.conversation_id)
            .join(conversations_table, _c.id == theirs.c.conversation_id)
            .where(
                _c.kind == ConversationKind.BOOKING,
                mine.c.user_id == user_id,
                theirs.c.user_id.in_(set(among)),
            )
        )
        return set((await self._uow.execute(statement)).scalars())

    async def summaries(
        self,
        user_id: uuid.UUID,
        *,
        after: ActivityCursor | None = None,
        limit: int = 1,
        conversation_id: uuid.UUID | None = None,
    ) -> list[ConversationSummary]:
        visible_up_to = func.coalesce(_members.until_seq, _c.last_seq)
        activity = func.coalesce(_members.left_at, _c.last_activity_at)
        counted = messages_table.alias("counted")
        unread = (
            select(func.count())
            .select_from(counted)
            .where(
                counted.c.conversation_id == _c.id,
                counted.c.seq > _members.read_seq,
                counted.c.seq <= visible_up_to,
                counted.c.deleted_at.is_(None),
                or_(counted.c.sender_id.is_(None), counted.c.sender_id != user_id),
            )
            .scalar_subquery()
        )
        statement = (
            select(Conversation, Member, Message, unread)
            .select_from(members_table)
            .join(conversations_table, _c.id == _members.conversation_id)
            .outerjoin(Message, and_(_m.conversation_id == _c.id, _m.seq == visible_up_to))
            .where(_members.user_id == user_id)
            .order_by(activity.desc(), _c.id.desc())
            .limit(limit)
        )
        if conversation_id is not None:
            statement = statement.where(_c.id == conversation_id)
        if after is not None:
            statement = statement.where(
                or_(
                    activity < after.activity,
                    and_(activity == after.activity, _c.id < after.conversation_id),
                )
            )
        rows: list[tuple[Any, ...]] = [tuple(row) for row in await self._uow.execute(statement)]
        return [
            ConversationSummary(
                conversation=conversation, member=member, last_message=message, unread_count=count
            )
            for conversation, member, message, count in rows
        ]


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

    async def of_many(
        self, conversation_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, list[Member]]:
        found: dict[uuid.UUID, list[Member]] = {i: [] for i in conversation_ids}
        if not found:
            return found
        statement = (
            select(Member)
            .where(_members.conversation_id.in_(set(found)))
            .order_by(_members.joined_at, _members.id)
        )
        for member in await self._uow.scalars(statement):
            found[member.conversation_id].append(member)
        return found

    async def mark_sent(self, member: Member, seq: int) -> bool:
        # ``member`` is not touched: were it loaded in this session, the ORM would write it
        # again at commit over the version this statement moved.
        result = await self._uow.execute(_MARK_SENT, {"member_id": member.id, "seq": seq})
        return int(getattr(result, "rowcount", 0) or 0) == 1


class SqlMessages(_Repository):
    def add(self, message: Message) -> None:
        self._uow.add(message)

    async def insert(self, message: Message) -> None:
        row = {column.key: getattr(message, column.key) for column in messages_table.columns}
        await self._uow.execute(_INSERT_MESSAGE, row)

    async def get(self, message_id: uuid.UUID) -> Message | None:
        return await self._uow.get(Message, message_id)

    async def by_client_id(self, sender_id: uuid.UUID, client_id: str) -> Message | None:
        statement = select(Message).filter_by(sender_id=sender_id, client_id=client_id)
        return await self._uow.first(statement)

    async def get_many(self, message_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Message]:
        if not message_ids:
            return {}
        found = await self._uow.scalars(select(Message).where(_m.id.in_(list(message_ids))))
        return {message.id: message for message in found}

    async def page(
        self,
        conversation_id: uuid.UUID,
        *,
        before: int | None,
        after: int | None,
        limit: int,
        up_to: int | None,
    ) -> list[Message]:
        statement = select(Message).where(_m.conversation_id == conversation_id)
        if up_to is not None:
            statement = statement.where(_m.seq <= up_to)
        if before is not None:
            statement = statement.where(_m.seq < before)
        if after is not None:
            return await self._uow.scalars(
                statement.where(_m.seq > after).order_by(_m.seq).limit(limit)
            )
        newest = await self._uow.scalars(statement.order_by(_m.seq.desc()).limit(limit))
        return newest[::-1]

    async def unread_counts(
        self, user_id: uuid.UUID, conversation_id: uuid.UUID | None = None
    ) -> dict[uuid.UUID, int]:
        joined = members_table.join(
            messages_table,
            and_(_m.conversation_id == _members.conversation_id, _m.seq > _members.read_seq),
        )
        statement = (
            select(_m.conversation_id, func.count().label("unread"))
            .select_from(joined)
            .where(
                _members.user_id == user_id,
                or_(_members.until_seq.is_(None), _m.seq <= _members.until_seq),
                _m.deleted_at.is_(None),
                or_(_m.sender_id.is_(None), _m.sender_id != user_id),
            )
            .group_by(_m.conversation_id)
        )
        if conversation_id is not None:
            statement = statement.where(_members.conversation_id == conversation_id)
        rows = await self._uow.execute(statement)
        return {row.conversation_id: int(row.unread) for row in rows}
