"""Connections' commands. Each user, the ``actor``, sends, answers and lists their own
requests, connections and blocks."""

from __future__ import annotations

import uuid
from datetime import timedelta

from attrs import frozen

from alora_core.messaging.connections.model import RequestStatus
from alora_core.messaging.connections.ports import Direction
from alora_core.messaging.connections.queries import BlockView, ConnectionView, RequestView
from alora_core.shared.actor import Actor
from alora_core.shared.commands import Command
from alora_core.shared.pagination import Page


@frozen(kw_only=True)
class SendConnectionRequest(Command[RequestView]):
    """Ask ``user_id`` to connect. When their request to the actor is pending, it is accepted
    instead (the answer is that request, accepted)."""

    actor: Actor
    user_id: uuid.UUID
    message: str | None = None


@frozen(kw_only=True)
class ListConnectionRequests(Command[Page[RequestView]]):
    actor: Actor
    direction: Direction = Direction.RECEIVED
    status: RequestStatus | None = None
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class AcceptConnectionRequest(Command[RequestView]):
    """By the recipient."""

    actor: Actor
    request_id: uuid.UUID


@frozen(kw_only=True)
class RejectConnectionRequest(Command[RequestView]):
    """By the recipient."""

    actor: Actor
    request_id: uuid.UUID


@frozen(kw_only=True)
class WithdrawConnectionRequest(Command[RequestView]):
    """By the sender."""

    actor: Actor
    request_id: uuid.UUID


@frozen(kw_only=True)
class ListConnections(Command[Page[ConnectionView]]):
    actor: Actor
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class RemoveConnection(Command[None]):
    actor: Actor
    user_id: uuid.UUID


@frozen(kw_only=True)
class BlockUser(Command[bool]):
    """Block ``user_id``: True when newly blocked (blocking again changes nothing)."""

    actor: Actor
    user_id: uuid.UUID


@frozen(kw_only=True)
class UnblockUser(Command[bool]):
    """True when the block was there (unblocking again changes nothing)."""

    actor: Actor
    user_id: uuid.UUID


@frozen(kw_only=True)
class ListBlocks(Command[Page[BlockView]]):
    actor: Actor
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class ExpireConnectionRequests(Command[int]):
    """Expire pending requests older than ``older_than``; how many."""

    older_than: timedelta
