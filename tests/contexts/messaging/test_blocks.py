"""Blocks on every backend (memory, SQLite, PostgreSQL): what a block closes, how it hides each
user from the other, idempotence, and deleted users."""

from __future__ import annotations

import uuid

import pytest

from alora_core.messaging.connections import commands as c
from alora_core.messaging.connections import events
from alora_core.messaging.connections.errors import RequestRefused, UserNotFound
from alora_core.messaging.connections.model import RequestStatus
from alora_core.messaging.connections.ports import Direction
from alora_core.shared.errors import Invalid
from contexts.messaging.connections_harness import Social, as_user, open_social
from support.backends import Backend, committed_events
from support.builders import delete_user


@pytest.fixture
async def social(backend: Backend) -> Social:
    return await open_social(backend)


async def test_a_block_removes_the_connection_and_refuses_requests_both_ways(
    social: Social,
) -> None:
    ana, ben = await social.user("ana"), await social.user("ben")
    await social.connect(ana, ben)
    seen = committed_events(social.alora)

    assert await social.block(ana, ben) is True
    assert await social.connections(ana) == [] and await social.connections(ben) == []
    relationship = await social.relationship(ben, ana)
    assert relationship.blocked and not relationship.connected
    assert await social.related_ids(ana) == (set(), {ben})
    assert await social.related_ids(ben) == (set(), {ana})
    assert sorted(event.name for event in seen) == ["connection.removed", "user.blocked"]
    [removed] = [e for e in seen if isinstance(e, events.ConnectionRemoved)]
    assert (removed.removed_by, removed.blocked) == (ana, True)

    # Each is to the other as if they did not exist.
    for sender, recipient in ((ben, ana), (ana, ben)):
        with pytest.raises(UserNotFound) as hidden:
            await social.ask(sender, recipient)
        assert hidden.value.detail == "no such user"
    assert await social.blocked(ana) == [ben]
    assert await social.blocked(ben) == []


async def test_a_block_closes_pending_requests_between_the_two(social: Social) -> None:
    ana, ben, cleo = await social.user("ana"), await social.user("ben"), await social.user("cleo")
    to_ana = (await social.ask(ben, ana)).request
    from_ana = (await social.ask(ana, cleo)).request

    await social.block(ana, ben)
    [theirs] = await social.requests(ben, Direction.SENT)
    assert theirs.request.id == to_ana.id and theirs.request.status is RequestStatus.REJECTED
    await social.block(ana, cleo)
    [mine] = await social.requests(ana, Direction.SENT)
    assert mine.request.id == from_ana.id and mine.request.status is RequestStatus.WITHDRAWN
    assert await social.blocked(ana) == [cleo, ben]


async def test_blocking_and_unblocking_are_idempotent(social: Social) -> None:
    ana, ben = await social.user("ana"), await social.user("ben")
    assert await social.block(ana, ben) is True
    seen = committed_events(social.alora)
    assert await social.block(ana, ben) is False
    assert seen == []
    # Blocked both ways, each block is its own.
    assert await social.block(ben, ana) is True
    assert await social.unblock(ana, ben) is True
    assert await social.unblock(ana, ben) is False
    assert (await social.relationship(ana, ben)).blocked
    assert await social.unblock(ben, ana) is True
    assert [event.name for event in seen] == ["user.blocked", "user.unblocked", "user.unblocked"]

    # Unblocked, they may connect again; the connection a block removed does not come back.
    assert not (await social.relationship(ana, ben)).blocked
    await social.connect(ana, ben)
    assert await social.connections(ben) == [ana]


async def test_a_request_rejected_by_a_block_holds_back_its_sender_after_the_unblock(
    social: Social,
) -> None:
    ana, ben = await social.user("ana"), await social.user("ben")
    await social.ask(ben, ana)
    await social.block(ana, ben)
    await social.unblock(ana, ben)
    with pytest.raises(RequestRefused) as refused:
        await social.ask(ben, ana)
    assert refused.value.reason == "recently-rejected"
    assert (await social.ask(ana, ben)).request.status is RequestStatus.PENDING


async def test_blocking_oneself_or_nobody_is_refused(social: Social) -> None:
    ana = await social.user("ana")
    with pytest.raises(Invalid):
        await social.block(ana, ana)
    with pytest.raises(UserNotFound):
        await social.block(ana, uuid.UUID(int=1))
    assert await social.unblock(ana, uuid.UUID(int=1)) is False
    suspended = await social.user("sam", suspended=True)
    assert await social.block(ana, suspended) is True


async def test_a_deleted_user_leaves_no_request_connection_or_block(social: Social) -> None:
    ana, ben, cleo, dan = [await social.user(name) for name in ("ana", "ben", "cleo", "dan")]
    await social.connect(ana, ben)
    await social.ask(cleo, ana)
    await social.block(ana, dan)
    for user in (ben, cleo, dan):
        await delete_user(social.alora, user)
    assert await social.connections(ana) == []
    assert await social.requests(ana) == []
    assert await social.blocked(ana) == []
    assert await social.related_ids(ana) == (set(), set())
    page = await social.handle(c.ListBlocks(actor=as_user(ana)))
    assert page.total == 0
