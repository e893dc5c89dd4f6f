"""Connections' events. ``name`` is the wire name used by the outbox and the handlers."""

from __future__ import annotations

import uuid
from typing import ClassVar

from attrs import frozen

from alora_core.shared.events import DomainEvent


@frozen(kw_only=True)
class ConnectionRequested(DomainEvent):
    name: ClassVar[str] = "connection.requested"
    request_id: uuid.UUID
    sender_id: uuid.UUID
    recipient_id: uuid.UUID
    message: str


@frozen(kw_only=True)
class ConnectionAccepted(DomainEvent):
    """The recipient accepted, or asked the sender in turn (a crossing request): the two are
    connected."""

    name: ClassVar[str] = "connection.accepted"
    request_id: uuid.UUID
    connection_id: uuid.UUID
    sender_id: uuid.UUID
    recipient_id: uuid.UUID


@frozen(kw_only=True)
class ConnectionRejected(DomainEvent):
    name: ClassVar[str] = "connection.rejected"
    request_id: uuid.UUID
    sender_id: uuid.UUID
    recipient_id: uuid.UUID


@frozen(kw_only=True)
class ConnectionWithdrawn(DomainEvent):
    name: ClassVar[str] = "connection.withdrawn"
    request_id: uuid.UUID
    sender_id: uuid.UUID
    recipient_id: uuid.UUID


@frozen(kw_only=True)
class ConnectionExpired(DomainEvent):
    """A request nobody answered lapsed (the expiry job)."""

    name: ClassVar[str] = "connection.expired"
    request_id: uuid.UUID
    sender_id: uuid.UUID
    recipient_id: uuid.UUID


@frozen(kw_only=True)
class ConnectionRemoved(DomainEvent):
    name: ClassVar[str] = "connection.removed"
    connection_id: uuid.UUID
    removed_by: uuid.UUID
    other_id: uuid.UUID
    """The other user of the connection."""
    blocked: bool
    """Removed because one blocked the other."""


@frozen(kw_only=True)
class UserBlocked(DomainEvent):
    name: ClassVar[str] = "user.blocked"
    blocker_id: uuid.UUID
    blocked_id: uuid.UUID


@frozen(kw_only=True)
class UserUnblocked(DomainEvent):
    name: ClassVar[str] = "user.unblocked"
    blocker_id: uuid.UUID
    blocked_id: uuid.UUID
