"""The ``connection_requests``, ``connections`` and ``blocks`` tables, their mapping and the
repositories, with ``SqlRelationships``, the read port the other parts of messaging use.

A pair of users is ``(user_low, user_high)``, the lower id first (``CHECK``). One pending
request per pair is the partial unique index ``uq_connection_requests_open_pair`` (both
databases): a second insert of a pair waits for the first transaction on PostgreSQL and fails
when it commits; the unit of work maps that to a bare ``Conflict``, which the use case retries
afresh. One connection per pair and one block per (blocker, blocked) are unique keys too.

Caps on a sender's requests are counted after taking the sender's ``users`` row lock (``FOR NO
KEY UPDATE``, which foreign key checks do not wait for) on PostgreSQL, so a second request of
the same sender waits there until the first commits, then counts it; a block takes both users'
locks, in id order. SQLite's serialized writers count inside the writing transaction. Every
row goes with either of its users (``ON DELETE CASCADE``).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    and_,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Mapper

from adapters.sqlalchemy.database import metadata
from adapters.sqlalchemy.identity.tables import users_table
from adapters.sqlalchemy.mapping import map_versioned
from adapters.sqlalchemy.paging import entity_page
from adapters.sqlalchemy.types import UtcDateTime, str_enum
from alora_core.messaging.connections.model import (
    Block,
    Connection,
    ConnectionRequest,
    RequestStatus,
    pair_of,
)
from alora_core.messaging.connections.ports import Direction, Relationship, SenderCounts
from alora_core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

__all__ = [
    "OPEN_PAIR",
    "SqlBlocks",
    "SqlConnectionRequests",
    "SqlConnections",
    "SqlRelationships",
    "blocks_table",
    "connection_requests_table",
    "connections_table",
]

OPEN_PAIR = "uq_connection_requests_open_pair"
PENDING = "status = 'pending'"
STATUSES = ", ".join(f"'{status.value}'" for status in RequestStatus)


def _user(name: str) -> Column[Any]:
    return Column(name, Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)


connection_requests_table = Table(
    "connection_requests",
    metadata,
    Column("id", Uuid, primary_key=True),
    _user("sender_id"),
    _user("recipient_id"),
    Column("user_low", Uuid, nullable=False),
    Column("user_high", Uuid, nullable=False),
    Column("message", String, nullable=False),
    Column("status", str_enum(RequestStatus), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("answered_at", UtcDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    CheckConstraint(f"status IN ({STATUSES})", name="status"),
    CheckConstraint("user_low < user_high", name="pair_order"),
    Index(
        OPEN_PAIR,
        "user_low",
        "user_high",
        unique=True,
        postgresql_where=text(PENDING),
        sqlite_where=text(PENDING),
    ),
    Index("ix_connection_requests_sender_id_created_at", "sender_id", "created_at"),
    Index("ix_connection_requests_recipient_id_created_at", "recipient_id", "created_at"),
    Index(
        "ix_connection_requests_pending_created_at",
        "created_at",
        postgresql_where=text(PENDING),
        sqlite_where=text(PENDING),
    ),
)
_r = connection_requests_table.c

connections_table = Table(
    "connections",
    metadata,
    Column("id", Uuid, primary_key=True),
    _user("user_low"),
    _user("user_high"),
    _user("requested_by"),
    Column("created_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    CheckConstraint("user_low < user_high", name="pair_order"),
    UniqueConstraint("user_low", "user_high"),
    Index("ix_connections_user_high", "user_high"),
)
_c = connections_table.c

blocks_table = Table(
    "blocks",
    metadata,
    Column("id", Uuid, primary_key=True),
    _user("blocker_id"),
    _user("blocked_id"),
    Column("created_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    CheckConstraint("blocker_id <> blocked_id", name="not_self"),
    UniqueConstraint("blocker_id", "blocked_id"),
    Index("ix_blocks_blocked_id", "blocked_id"),
)
_b = blocks_table.c

request_mapper: Mapper[Any] = map_versioned(ConnectionRequest, connection_requests_table)
connection_mapper: Mapper[Any] = map_versioned(Connection, connections_table)
block_mapper: Mapper[Any] = map_versioned(Block, blocks_table)


def _pair(columns: Any, one: uuid.UUID, other: uuid.UUID) -> ColumnElement[bool]:
    low, high = pair_of(one, other)
    return and_(columns.user_low == low, columns.user_high == high)


class SqlConnectionRequests:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def hold(self, user_ids: Collection[uuid.UUID]) -> None:
        if self._uow.dialect_name != "postgresql":
            return
        _u = users_table.c
        for user_id in sorted(set(user_ids)):
            await self._uow.execute(
                select(_u.id).where(_u.id == user_id).with_for_update(key_share=True)
            )

    async def add(self, request: ConnectionRequest) -> None:
        self._uow.add(request)

    async def get(self, request_id: uuid.UUID) -> ConnectionRequest | None:
        return await self._uow.get(ConnectionRequest, request_id)

    async def pending_between(
        self, user_id: uuid.UUID, other_id: uuid.UUID
    ) -> ConnectionRequest | None:
        return await self._uow.first(
            select(ConnectionRequest).where(
                _pair(_r, user_id, other_id), _r.status == RequestStatus.PENDING
            )
        )

    async def rejected_since(
        self, sender_id: uuid.UUID, recipient_id: uuid.UUID, since: datetime
    ) -> bool:
        statement = (
            select(_r.id)
            .where(
                _r.sender_id == sender_id,
                _r.recipient_id == recipient_id,
                _r.status == RequestStatus.REJECTED,
                _r.answered_at > since,
            )
            .limit(1)
        )
        return await self._uow.scalar(statement) is not None

    async def sender_counts(self, sender_id: uuid.UUID, since: datetime) -> SenderCounts:
        recent = _r.created_at > since
        statement = select(
            func.count().filter(_r.status == RequestStatus.PENDING).label("pending"),
            func.count().filter(recent).label("sent_since"),
            func.min(_r.created_at).filter(recent).label("first_since"),
        ).where(_r.sender_id == sender_id)
        with self._uow.session.no_autoflush:
            row = (await self._uow.execute(statement)).one()
        return SenderCounts(
            pending=row.pending, sent_since=row.sent_since, first_since=row.first_since
        )

    async def page(
        self,
        user_id: uuid.UUID,
        direction: Direction,
        status: RequestStatus | None,
        page: PageRequest,
    ) -> Page[ConnectionRequest]:
        own = _r.sender_id if direction is Direction.SENT else _r.recipient_id
        where = [own == user_id]
        if status is not None:
            where.append(_r.status == status)
        order = [_r.created_at.desc(), _r.id.desc()]
        return await entity_page(self._uow, ConnectionRequest, where, order, page)

    async def pending_before(self, created_before: datetime, limit: int) -> list[ConnectionRequest]:
        return await self._uow.scalars(
            select(ConnectionRequest)
            .where(_r.status == RequestStatus.PENDING, _r.created_at < created_before)
            .order_by(_r.created_at, _r.id)
            .limit(limit)
        )


class SqlConnections:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def add(self, connection: Connection) -> None:
        self._uow.add(connection)

    async def between(self, user_id: uuid.UUID, other_id: uuid.UUID) -> Connection | None:
        return await self._uow.first(select(Connection).where(_pair(_c, user_id, other_id)))

    async def remove(self, connection: Connection) -> None:
        await self._uow.delete(connection)

    async def page(self, user_id: uuid.UUID, page: PageRequest) -> Page[Connection]:
        where = [or_(_c.user_low == user_id, _c.user_high == user_id)]
        order = [_c.created_at.desc(), _c.id.desc()]
        return await entity_page(self._uow, Connection, where, order, page)


class SqlBlocks:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def add(self, block: Block) -> None:
        self._uow.add(block)

    async def get(self, blocker_id: uuid.UUID, blocked_id: uuid.UUID) -> Block | None:
        return await self._uow.first(
            select(Block).where(_b.blocker_id == blocker_id, _b.blocked_id == blocked_id)
        )

    async def remove(self, block: Block) -> None:
        await self._uow.delete(block)

    async def page(self, blocker_id: uuid.UUID, page: PageRequest) -> Page[Block]:
        order = [_b.created_at.desc(), _b.id.desc()]
        return await entity_page(self._uow, Block, [_b.blocker_id == blocker_id], order, page)


class SqlRelationships:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def between(self, user_id: uuid.UUID, other_id: uuid.UUID) -> Relationship:
        connected = select(_c.id).where(_pair(_c, user_id, other_id)).limit(1)
        blocked = (
            select(_b.id)
            .where(
                or_(
                    and_(_b.blocker_id == user_id, _b.blocked_id == other_id),
                    and_(_b.blocker_id == other_id, _b.blocked_id == user_id),
                )
            )
            .limit(1)
        )
        row = (
            await self._uow.execute(
                select(connected.exists().label("connected"), blocked.exists().label("blocked"))
            )
        ).one()
        return Relationship(connected=bool(row.connected), blocked=bool(row.blocked))

    async def connection_ids(self, user_id: uuid.UUID) -> set[uuid.UUID]:
        rows = await self._uow.execute(
            select(_c.user_low, _c.user_high).where(
                or_(_c.user_low == user_id, _c.user_high == user_id)
            )
        )
        return {row.user_high if row.user_low == user_id else row.user_low for row in rows}

    async def blocked_ids(self, user_id: uuid.UUID) -> set[uuid.UUID]:
        rows = await self._uow.execute(
            select(_b.blocker_id, _b.blocked_id).where(
                or_(_b.blocker_id == user_id, _b.blocked_id == user_id)
            )
        )
        return {row.blocked_id if row.blocker_id == user_id else row.blocker_id for row in rows}
