"""Connections' use cases: send, answer and list requests, remove connections, block, and the
expiry job.

Concurrent writers are decided by the database and retried (``retrying_on_stale``): two
requests of one pair, however sent, never both stay pending (a partial unique index), so the
loser of a crossing race (A asks B while B asks A) runs again, finds the other's request and
accepts it; an answer racing another answer, a withdrawal or a block loses on the request's
version and runs again on the fresh request.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from attrs import Factory, frozen

from alora_core.messaging.connections import commands as c
from alora_core.messaging.connections.errors import (
    NotConnected,
    RequestNotFound,
    RequestRefused,
    TooManyRequestsToday,
    UserNotFound,
)
from alora_core.messaging.connections.model import Block, ConnectionRequest, checked_message
from alora_core.messaging.connections.ports import ConnectionsUnitOfWork
from alora_core.messaging.connections.queries import BlockView, ConnectionView, RequestView
from alora_core.messaging.people import Person
from alora_core.shared.clock import Clock
from alora_core.shared.errors import Conflict, Invalid
from alora_core.shared.pagination import Page, PageRequest
from alora_core.shared.retry import retrying_on_stale

DAY = timedelta(days=1)
EXPIRY_BATCH = 100
MAX_BATCHES = 50


@frozen(kw_only=True)
class RequestCaps:
    max_open: int = 50
    """Requests one user may have waiting for an answer at once."""
    per_day: int = 100
    """Requests one user may send in 24 hours."""
    resend_after: timedelta = timedelta(days=30)
    """How long after a rejection the same sender may not ask the same user again."""


@frozen(kw_only=True)
class ConnectionsDeps:
    clock: Clock
    caps: RequestCaps = Factory(RequestCaps)


# --- shared steps -------------------------------------------------------------------------------


async def _reachable(uow: ConnectionsUnitOfWork, user_id: uuid.UUID, other_id: uuid.UUID) -> Person:
    """The other user, when they exist, are active, and neither blocked the other; else
    ``UserNotFound``, alike for each, so a block is never told."""
    if other_id == user_id:
        raise Invalid.field("user_id", "must be another user than you", "self")
    person = await uow.people.get(other_id)
    if person is None or not person.active:
        raise UserNotFound()
    if (await uow.relationships.between(user_id, other_id)).blocked:
        raise UserNotFound()
    return person


async def _view(
    uow: ConnectionsUnitOfWork, request: ConnectionRequest, user_id: uuid.UUID
) -> RequestView:
    other = await uow.people.get(request.other(user_id))
    if other is None:  # deleted meanwhile: their requests went with them
        raise RequestNotFound()
    return RequestView(request=request, other=other)


async def _people_page(
    uow: ConnectionsUnitOfWork,
    page: Page[Any],
    other_of: Callable[[Any], uuid.UUID],
    make: Callable[[Any, Person], Any],
) -> Page[Any]:
    people = await uow.people.get_many({other_of(item) for item in page.items})
    items = [make(item, people[other_of(item)]) for item in page.items if other_of(item) in people]
    return Page(items=items, total=page.total, page=page.page, page_size=page.page_size)


# --- requests -----------------------------------------------------------------------------------


async def send_request(
    cmd: c.SendConnectionRequest, uow: ConnectionsUnitOfWork, deps: ConnectionsDeps
) -> RequestView:
    me, them = cmd.actor.require_user_id(), cmd.user_id
    checked_message(cmd.message)

    async def attempt() -> RequestView:
        async with uow:
            await uow.connection_requests.hold([me])
            person = await _reachable(uow, me, them)
            if await uow.connections.between(me, them) is not None:
                raise RequestRefused(RequestRefused.ALREADY_CONNECTED)
            now = deps.clock.now()
            pending = await uow.connection_requests.pending_between(me, them)
            if pending is not None and pending.sender_id == me:
                raise RequestRefused(RequestRefused.REQUEST_PENDING)
            if pending is not None:  # theirs to me: asking back accepts it
                await uow.connections.add(pending.accept(now))
                await uow.commit()
                return RequestView(request=pending, other=person)
            await _check_caps(uow, me, them, deps.caps, now)
            request = ConnectionRequest.send(me, them, cmd.message, now)
            await uow.connection_requests.add(request)
            await uow.commit()
            return RequestView(request=request, other=person)

    return await retrying_on_stale(attempt)


async def _check_caps(
    uow: ConnectionsUnitOfWork, me: uuid.UUID, them: uuid.UUID, caps: RequestCaps, now: datetime
) -> None:
    requests = uow.connection_requests
    if await requests.rejected_since(me, them, now - caps.resend_after):
        raise RequestRefused(RequestRefused.RECENTLY_REJECTED)
    counts = await requests.sender_counts(me, now - DAY)
    if counts.pending >= caps.max_open:
        raise RequestRefused(RequestRefused.TOO_MANY_OPEN)
    if counts.sent_since >= caps.per_day:
        oldest = counts.first_since or now
        raise TooManyRequestsToday(math.ceil((oldest + DAY - now).total_seconds()))


async def _answer(
    uow: ConnectionsUnitOfWork,
    deps: ConnectionsDeps,
    user_id: uuid.UUID,
    request_id: uuid.UUID,
    *,
    as_sender: bool,
    change: Callable[[ConnectionRequest, datetime], Awaitable[None]],
) -> RequestView:
    async def attempt() -> RequestView:
        async with uow:
            request = await uow.connection_requests.get(request_id)
            mine = (
                request is not None
                and (request.sender_id if as_sender else request.recipient_id) == user_id
            )
            if request is None or not mine:
                raise RequestNotFound()
            await change(request, deps.clock.now())
            view = await _view(uow, request, user_id)
            await uow.commit()
            return view

    return await retrying_on_stale(attempt)


async def accept_request(
    cmd: c.AcceptConnectionRequest, uow: ConnectionsUnitOfWork, deps: ConnectionsDeps
) -> RequestView:
    async def accept(request: ConnectionRequest, now: datetime) -> None:
        await uow.connections.add(request.accept(now))

    return await _answer(
        uow, deps, cmd.actor.require_user_id(), cmd.request_id, as_sender=False, change=accept
    )


async def reject_request(
    cmd: c.RejectConnectionRequest, uow: ConnectionsUnitOfWork, deps: ConnectionsDeps
) -> RequestView:
    async def reject(request: ConnectionRequest, now: datetime) -> None:
        request.reject(now)

    return await _answer(
        uow, deps, cmd.actor.require_user_id(), cmd.request_id, as_sender=False, change=reject
    )


async def withdraw_request(
    cmd: c.WithdrawConnectionRequest, uow: ConnectionsUnitOfWork, deps: ConnectionsDeps
) -> RequestView:
    async def withdraw(request: ConnectionRequest, now: datetime) -> None:
        request.withdraw(now)

    return await _answer(
        uow, deps, cmd.actor.require_user_id(), cmd.request_id, as_sender=True, change=withdraw
    )


async def list_requests(
    cmd: c.ListConnectionRequests, uow: ConnectionsUnitOfWork, deps: ConnectionsDeps
) -> Page[RequestView]:
    me, page = cmd.actor.require_user_id(), PageRequest(cmd.page, cmd.page_size)
    async with uow.reading():
        found = await uow.connection_requests.page(me, cmd.direction, cmd.status, page)
        return await _people_page(
            uow,
            found,
            lambda request: request.other(me),
            lambda request, person: RequestView(request=request, other=person),
        )


async def expire_requests(
    cmd: c.ExpireConnectionRequests, uow: ConnectionsUnitOfWork, deps: ConnectionsDeps
) -> int:
    """Expire pending requests made more than ``cmd.older_than`` ago, a batch per transaction;
    how many. A batch that loses a race (an answer meanwhile, a second run) is read again."""
    expired = 0
    for _ in range(MAX_BATCHES):
        async with uow:
            now = deps.clock.now()
            due = await uow.connection_requests.pending_before(now - cmd.older_than, EXPIRY_BATCH)
            if not due:
                break
            for request in due:
                request.expire(now)
            try:
                await uow.commit()
            except Conflict:
                continue
        expired += len(due)
        if len(due) < EXPIRY_BATCH:
            break
    return expired


# --- connections --------------------------------------------------------------------------------


async def list_connections(
    cmd: c.ListConnections, uow: ConnectionsUnitOfWork, deps: ConnectionsDeps
) -> Page[ConnectionView]:
    me, page = cmd.actor.require_user_id(), PageRequest(cmd.page, cmd.page_size)
    async with uow.reading():
        found = await uow.connections.page(me, page)
        return await _people_page(
            uow,
            found,
            lambda connection: connection.other(me),
            lambda connection, person: ConnectionView(
                other=person, connected_at=connection.created_at
            ),
        )


async def remove_connection(
    cmd: c.RemoveConnection, uow: ConnectionsUnitOfWork, deps: ConnectionsDeps
) -> None:
    me = cmd.actor.require_user_id()

    async def attempt() -> None:
        async with uow:
            connection = await uow.connections.between(me, cmd.user_id)
            if connection is None:
                raise NotConnected()
            connection.remove(me, deps.clock.now())
            await uow.connections.remove(connection)
            await uow.commit()

    await retrying_on_stale(attempt)


# --- blocks -------------------------------------------------------------------------------------


async def block_user(cmd: c.BlockUser, uow: ConnectionsUnitOfWork, deps: ConnectionsDeps) -> bool:
    """Block a user: their connection goes and pending requests between them close (the
    blocker's withdrawn, the other's rejected). True when newly blocked."""
    me, them = cmd.actor.require_user_id(), cmd.user_id
    if me == them:
        raise Invalid.field("user_id", "must be another user than you", "self")

    async def attempt() -> bool:
        async with uow:
            await uow.connection_requests.hold([me, them])
            if await uow.people.get(them) is None:
                raise UserNotFound()
            if await uow.blocks.get(me, them) is not None:
                return False
            now = deps.clock.now()
            pending = await uow.connection_requests.pending_between(me, them)
            if pending is not None and pending.sender_id == me:
                pending.withdraw(now)
            elif pending is not None:
                pending.reject(now)
            connection = await uow.connections.between(me, them)
            if connection is not None:
                connection.remove(me, now, blocked=True)
                await uow.connections.remove(connection)
            await uow.blocks.add(Block.place(me, them, now))
            await uow.commit()
            return True

    return await retrying_on_stale(attempt)


async def unblock_user(
    cmd: c.UnblockUser, uow: ConnectionsUnitOfWork, deps: ConnectionsDeps
) -> bool:
    me = cmd.actor.require_user_id()

    async def attempt() -> bool:
        async with uow:
            block = await uow.blocks.get(me, cmd.user_id)
            if block is None:
                return False
            block.lift(deps.clock.now())
            await uow.blocks.remove(block)
            await uow.commit()
            return True

    return await retrying_on_stale(attempt)


async def list_blocks(
    cmd: c.ListBlocks, uow: ConnectionsUnitOfWork, deps: ConnectionsDeps
) -> Page[BlockView]:
    me, page = cmd.actor.require_user_id(), PageRequest(cmd.page, cmd.page_size)
    async with uow.reading():
        found = await uow.blocks.page(me, page)
        return await _people_page(
            uow,
            found,
            lambda block: block.blocked_id,
            lambda block, person: BlockView(blocked=person, blocked_at=block.created_at),
        )


USE_CASES: dict[type, Callable[..., Any]] = {
    c.SendConnectionRequest: send_request,
    c.ListConnectionRequests: list_requests,
    c.AcceptConnectionRequest: accept_request,
    c.RejectConnectionRequest: reject_request,
    c.WithdrawConnectionRequest: withdraw_request,
    c.ExpireConnectionRequests: expire_requests,
    c.ListConnections: list_connections,
    c.RemoveConnection: remove_connection,
    c.BlockUser: block_user,
    c.UnblockUser: unblock_user,
    c.ListBlocks: list_blocks,
}


def command_handlers(deps: ConnectionsDeps) -> dict[type, Callable[..., Any]]:
    """Each connections command bound to its use case and the part's dependencies."""
    return {command: partial(use_case, deps=deps) for command, use_case in USE_CASES.items()}
