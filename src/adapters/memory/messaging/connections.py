"""Connection requests, connections and blocks in memory, through a ``MemoryUnitOfWork``.

Mirrors ``adapters.sqlalchemy.messaging.connections``: the store's unique columns stand for the
database's keys (``open_pair``, a request's pair while pending; a connection's ``pair``; a
block's ``pair``), checked at commit; memory commits have no ``await`` inside, so they are
atomic and ``hold`` has nothing to do. Deletions check at commit that the row is still as it
was read, as the SQL adapter's versioned DELETE does.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from alora_core.messaging.connections.model import (
    Block,
    Connection,
    ConnectionRequest,
    RequestStatus,
    pair_of,
)
from alora_core.messaging.connections.ports import Direction, Relationship, SenderCounts
from alora_core.shared.errors import Conflict
from alora_core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork

Row = TypeVar("Row", ConnectionRequest, Connection, Block)
REQUESTS, CONNECTIONS, BLOCKS = "connection_requests", "connections", "blocks"
STALE_DETAIL = "the record was changed by someone else; try again"


def _newest_first(rows: list[Row], page: PageRequest) -> Page[Row]:
    rows.sort(key=lambda row: (row.created_at, row.id), reverse=True)
    return Page(
        items=rows[page.offset : page.offset + page.page_size],
        total=len(rows),
        page=page.page,
        page_size=page.page_size,
    )


def _delete_unchanged(uow: MemoryUnitOfWork, table: str, row: Any) -> None:
    version, rows = row.version, uow.store.rows(table)

    def unchanged() -> None:
        stored = rows.get(row.id)
        if stored is None or stored.version != version:
            raise Conflict(STALE_DETAIL)

    uow.before_commit(unchanged)
    uow.delete(table, row)


class MemoryConnectionRequests:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def _scan(self, where: Callable[[ConnectionRequest], bool]) -> list[ConnectionRequest]:
        return list(self._uow.scan(REQUESTS, where))

    async def hold(self, user_ids: Collection[uuid.UUID]) -> None:
        return None

    async def add(self, request: ConnectionRequest) -> None:
        self._uow.add(REQUESTS, request)

    async def get(self, request_id: uuid.UUID) -> ConnectionRequest | None:
        request: ConnectionRequest | None = self._uow.load(REQUESTS, request_id)
        return request

    async def pending_between(
        self, user_id: uuid.UUID, other_id: uuid.UUID
    ) -> ConnectionRequest | None:
        pair = pair_of(user_id, other_id)
        found = self._scan(lambda r: r.open_pair == pair)
        return found[0] if found else None

    async def rejected_since(
        self, sender_id: uuid.UUID, recipient_id: uuid.UUID, since: datetime
    ) -> bool:
        return bool(
            self._scan(
                lambda r: (
                    r.sender_id == sender_id
                    and r.recipient_id == recipient_id
                    and r.status is RequestStatus.REJECTED
                    and r.answered_at is not None
                    and r.answered_at > since
                )
            )
        )

    async def sender_counts(self, sender_id: uuid.UUID, since: datetime) -> SenderCounts:
        sent = self._scan(lambda r: r.sender_id == sender_id)
        recent = [r.created_at for r in sent if r.created_at > since]
        return SenderCounts(
            pending=sum(r.status is RequestStatus.PENDING for r in sent),
            sent_since=len(recent),
            first_since=min(recent, default=None),
        )

    async def page(
        self,
        user_id: uuid.UUID,
        direction: Direction,
        status: RequestStatus | None,
        page: PageRequest,
    ) -> Page[ConnectionRequest]:
        def listed(r: ConnectionRequest) -> bool:
            own = r.sender_id if direction is Direction.SENT else r.recipient_id
            return own == user_id and (status is None or r.status is status)

        return _newest_first(self._scan(listed), page)

    async def pending_before(self, created_before: datetime, limit: int) -> list[ConnectionRequest]:
        due = self._scan(
            lambda r: r.status is RequestStatus.PENDING and r.created_at < created_before
        )
        return sorted(due, key=lambda r: (r.created_at, r.id))[:limit]


class MemoryConnections:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, connection: Connection) -> None:
        self._uow.add(CONNECTIONS, connection)

    async def between(self, user_id: uuid.UUID, other_id: uuid.UUID) -> Connection | None:
        pair = pair_of(user_id, other_id)
        return next(self._uow.scan(CONNECTIONS, lambda c: c.pair == pair), None)

    async def remove(self, connection: Connection) -> None:
        _delete_unchanged(self._uow, CONNECTIONS, connection)

    async def page(self, user_id: uuid.UUID, page: PageRequest) -> Page[Connection]:
        return _newest_first(list(self._uow.scan(CONNECTIONS, lambda c: user_id in c.pair)), page)


class MemoryBlocks:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, block: Block) -> None:
        self._uow.add(BLOCKS, block)

    async def get(self, blocker_id: uuid.UUID, blocked_id: uuid.UUID) -> Block | None:
        pair = (blocker_id, blocked_id)
        return next(self._uow.scan(BLOCKS, lambda b: b.pair == pair), None)

    async def remove(self, block: Block) -> None:
        _delete_unchanged(self._uow, BLOCKS, block)

    async def page(self, blocker_id: uuid.UUID, page: PageRequest) -> Page[Block]:
        return _newest_first(
            list(self._uow.scan(BLOCKS, lambda b: b.blocker_id == blocker_id)), page
        )


class MemoryRelationships:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def between(self, user_id: uuid.UUID, other_id: uuid.UUID) -> Relationship:
        pair = pair_of(user_id, other_id)
        connected = any(True for _ in self._uow.scan(CONNECTIONS, lambda c: c.pair == pair))
        blocked = any(
            True
            for _ in self._uow.scan(
                BLOCKS, lambda b: b.pair in {(user_id, other_id), (other_id, user_id)}
            )
        )
        return Relationship(connected=connected, blocked=blocked)

    async def connection_ids(self, user_id: uuid.UUID) -> set[uuid.UUID]:
        return {c.other(user_id) for c in self._uow.scan(CONNECTIONS, lambda c: user_id in c.pair)}

    async def blocked_ids(self, user_id: uuid.UUID) -> set[uuid.UUID]:
        return {
            b.blocked_id if b.blocker_id == user_id else b.blocker_id
            for b in self._uow.scan(BLOCKS, lambda b: user_id in b.pair)
        }
