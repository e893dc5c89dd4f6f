"""What the connections part needs from storage, and what it offers the other parts of
messaging: ``Relationships``, the read port of who is connected with and who blocked whom."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from attrs import frozen

from alora_core.messaging.connections.model import (
    Block,
    Connection,
    ConnectionRequest,
    RequestStatus,
)
from alora_core.messaging.people import People
from alora_core.shared.pagination import Page, PageRequest
from alora_core.shared.uow import UnitOfWork


@frozen
class Relationship:
    connected: bool
    blocked: bool
    """Either blocked the other."""


class Relationships(Protocol):
    async def between(self, user_id: uuid.UUID, other_id: uuid.UUID) -> Relationship: ...

    async def connection_ids(self, user_id: uuid.UUID) -> set[uuid.UUID]:
        """The users connected with ``user_id``."""
        ...

    async def blocked_ids(self, user_id: uuid.UUID) -> set[uuid.UUID]:
        """The users ``user_id`` blocked or was blocked by."""
        ...


class Direction(enum.StrEnum):
    SENT = "sent"
    RECEIVED = "received"


@frozen(kw_only=True)
class SenderCounts:
    pending: int
    """The sender's requests waiting for an answer."""
    sent_since: int
    """The sender's requests made after the moment asked about."""
    first_since: datetime | None
    """The oldest of those."""


class ConnectionRequests(Protocol):
    async def hold(self, user_ids: Collection[uuid.UUID]) -> None:
        """Take these users' locks until commit (in id order; PostgreSQL): a second
        transaction holding any of them waits, then reads what the first committed. A request
        holds its sender (so caps are counted exactly), a block both users."""
        ...

    async def add(self, request: ConnectionRequest) -> None:
        """Store a new request. A second pending request of the pair makes commit raise a bare
        ``Conflict`` (the database's partial unique index), which a retry reads afresh."""
        ...

    async def get(self, request_id: uuid.UUID) -> ConnectionRequest | None: ...

    async def pending_between(
        self, user_id: uuid.UUID, other_id: uuid.UUID
    ) -> ConnectionRequest | None:
        """The pair's pending request, whoever sent it."""
        ...

    async def rejected_since(
        self, sender_id: uuid.UUID, recipient_id: uuid.UUID, since: datetime
    ) -> bool:
        """Whether the recipient rejected a request of the sender's after ``since``."""
        ...

    async def sender_counts(self, sender_id: uuid.UUID, since: datetime) -> SenderCounts: ...

    async def page(
        self,
        user_id: uuid.UUID,
        direction: Direction,
        status: RequestStatus | None,
        page: PageRequest,
    ) -> Page[ConnectionRequest]:
        """Requests the user sent or received (of ``status``), newest first."""
        ...

    async def pending_before(self, created_before: datetime, limit: int) -> list[ConnectionRequest]:
        """Pending requests made before ``created_before``, oldest first."""
        ...


class Connections(Protocol):
    async def add(self, connection: Connection) -> None:
        """Store a new connection; a second one of the pair makes commit raise ``Conflict``."""
        ...

    async def between(self, user_id: uuid.UUID, other_id: uuid.UUID) -> Connection | None: ...

    async def remove(self, connection: Connection) -> None:
        """Delete the connection (loaded here); one removed meanwhile makes commit raise
        ``Conflict``."""
        ...

    async def page(self, user_id: uuid.UUID, page: PageRequest) -> Page[Connection]:
        """The user's connections, newest first."""
        ...


class Blocks(Protocol):
    async def add(self, block: Block) -> None:
        """Store a new block; a second one of the same blocker and blocked user makes commit
        raise ``Conflict``."""
        ...

    async def get(self, blocker_id: uuid.UUID, blocked_id: uuid.UUID) -> Block | None: ...

    async def remove(self, block: Block) -> None:
        """Delete the block (loaded here); one removed meanwhile makes commit raise
        ``Conflict``."""
        ...

    async def page(self, blocker_id: uuid.UUID, page: PageRequest) -> Page[Block]:
        """The blocks the user placed, newest first."""
        ...


class ConnectionsUnitOfWork(UnitOfWork, Protocol):
    @property
    def people(self) -> People: ...

    @property
    def relationships(self) -> Relationships: ...

    @property
    def connection_requests(self) -> ConnectionRequests: ...

    @property
    def connections(self) -> Connections: ...

    @property
    def blocks(self) -> Blocks: ...
