"""The Presence and OpenSockets contracts, run against the memory adapters and Redis
(``redis_url``).

Time is a ``FixedClock`` shared by the store(s) of a test. ``other`` and ``other_sockets`` are
second stores on the same state, as another API process would have (for memory: the same
objects).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import attrs
import pytest
import redis.asyncio

from adapters.memory.presence import MemoryOpenSockets, MemoryPresence
from adapters.redis_presence import RedisOpenSockets, RedisPresence
from alora_core.shared.clock import FixedClock
from alora_core.shared.presence import OpenSockets, Presence, PresenceState

TTL = timedelta(seconds=75)
GRACE = timedelta(seconds=10)


@attrs.frozen
class Harness:
    presence: Presence
    other: Presence
    clock: FixedClock
    sockets: OpenSockets
    other_sockets: OpenSockets


@pytest.fixture
def memory_harness() -> Harness:
    clock = FixedClock()
    presence = MemoryPresence(clock, socket_ttl=TTL, grace=GRACE)
    sockets = MemoryOpenSockets(clock, socket_ttl=TTL)
    return Harness(presence, presence, clock, sockets, sockets)


@pytest.fixture
async def redis_harness(redis_url: str) -> AsyncIterator[Harness]:
    clock = FixedClock()
    prefix = f"alora:test:presence:{uuid.uuid4().hex}:"
    clients = [redis.asyncio.Redis.from_url(redis_url) for _ in range(2)]

    def store(client: redis.asyncio.Redis) -> RedisPresence:
        return RedisPresence(client, clock, socket_ttl=TTL, grace=GRACE, prefix=prefix)

    def sockets(client: redis.asyncio.Redis) -> RedisOpenSockets:
        return RedisOpenSockets(client, clock, socket_ttl=TTL, prefix=prefix + "sockets:")

    try:
        yield Harness(
            store(clients[0]),
            store(clients[1]),
            clock,
            sockets(clients[0]),
            sockets(clients[1]),
        )
    finally:
        keys = [key async for key in clients[0].scan_iter(match=prefix + "*")]
        if keys:
            await clients[0].delete(*keys)
        for client in clients:
            await client.aclose()


@pytest.fixture(params=["memory", "redis"])
def harness(request: pytest.FixtureRequest) -> Harness:
    value: Harness = request.getfixturevalue(f"{request.param}_harness")
    return value


def new_ids() -> tuple[uuid.UUID, uuid.UUID]:
    return uuid.uuid4(), uuid.uuid4()


async def state_of(presence: Presence, user: uuid.UUID) -> PresenceState:
    return (await presence.query([user]))[user]


async def test_a_user_never_seen_is_offline_without_last_seen(harness: Harness) -> None:
    user = uuid.uuid4()
    assert await harness.presence.query([user]) == {user: PresenceState(False, None)}
    assert await harness.presence.query([]) == {}
    assert await harness.presence.settle(user) is None


async def test_the_first_socket_brings_the_user_online(harness: Harness) -> None:
    user, socket = new_ids()
    assert await harness.presence.connect(user, socket) is True
    assert await harness.presence.connect(user, uuid.uuid4()) is False
    assert await harness.other.connect(user, uuid.uuid4()) is False
    assert await state_of(harness.other, user) == PresenceState(True, None)


async def test_offline_only_after_the_last_socket_and_the_grace_period(harness: Harness) -> None:
    user, first = new_ids()
    second = uuid.uuid4()
    await harness.presence.connect(user, first)
    await harness.other.connect(user, second)
    harness.clock.advance(timedelta(seconds=5))

    assert await harness.presence.disconnect(user, first) is False
    assert await harness.presence.settle(user) is None
    harness.clock.advance(timedelta(seconds=1))
    left_at = harness.clock.now()
    assert await harness.other.disconnect(user, second) is True

    harness.clock.advance(GRACE - timedelta(seconds=1))
    assert await state_of(harness.presence, user) == PresenceState(True, None)
    assert await harness.presence.settle(user) is None

    harness.clock.advance(timedelta(seconds=1))
    offline = PresenceState(False, left_at)
    assert await harness.presence.settle(user) == offline
    assert await harness.other.settle(user) is None  # announced once
    assert await state_of(harness.other, user) == offline


async def test_coming_back_within_the_grace_period_is_no_change(harness: Harness) -> None:
    user, socket = new_ids()
    await harness.presence.connect(user, socket)
    await harness.presence.disconnect(user, socket)
    harness.clock.advance(GRACE / 2)
    assert await harness.other.connect(user, uuid.uuid4()) is False  # never announced offline
    harness.clock.advance(GRACE)
    assert await harness.presence.settle(user) is None
    assert await state_of(harness.presence, user) == PresenceState(True, None)


async def test_reconnecting_after_going_offline_comes_online_again(harness: Harness) -> None:
    user, socket = new_ids()
    await harness.presence.connect(user, socket)
    await harness.presence.disconnect(user, socket)
    harness.clock.advance(GRACE)
    assert await harness.presence.settle(user) is not None
    assert await harness.presence.connect(user, uuid.uuid4()) is True


async def test_refresh_keeps_a_socket_live(harness: Harness) -> None:
    user, socket = new_ids()
    await harness.presence.connect(user, socket)
    for _ in range(3):
        harness.clock.advance(TTL * 0.8)
        assert await harness.presence.refresh(user, socket) is False
    harness.clock.advance(TTL * 0.8)
    assert await state_of(harness.presence, user) == PresenceState(True, None)
    assert await harness.presence.sweep() == []


async def test_sockets_of_a_dead_process_expire_and_the_sweep_announces_it(
    harness: Harness,
) -> None:
    user, socket = new_ids()
    await harness.presence.connect(user, socket)
    harness.clock.advance(timedelta(seconds=30))
    last_heartbeat = harness.clock.now()
    await harness.presence.refresh(user, socket)

    harness.clock.advance(TTL - timedelta(seconds=1))
    assert await harness.other.sweep() == []
    harness.clock.advance(timedelta(seconds=1))  # no heartbeat for a whole TTL: gone
    offline = PresenceState(False, last_heartbeat)
    assert await state_of(harness.other, user) == offline
    assert await harness.other.sweep() == [(user, offline)]
    assert await harness.presence.sweep() == []


async def test_a_late_heartbeat_brings_an_expired_socket_back(harness: Harness) -> None:
    user, socket = new_ids()
    await harness.presence.connect(user, socket)
    harness.clock.advance(TTL * 2)
    assert await harness.presence.sweep() != []
    assert await harness.presence.refresh(user, socket) is True
    assert await state_of(harness.presence, user) == PresenceState(True, None)


async def test_the_sweep_settles_a_user_whose_grace_timer_died_with_its_process(
    harness: Harness,
) -> None:
    gone, stays = new_ids()
    socket = uuid.uuid4()
    await harness.presence.connect(gone, socket)
    await harness.presence.connect(stays, uuid.uuid4())
    left_at = harness.clock.now()
    await harness.presence.disconnect(gone, socket)  # and nobody calls settle
    harness.clock.advance(GRACE - timedelta(seconds=1))
    assert await harness.other.sweep() == []
    harness.clock.advance(timedelta(seconds=1))
    assert await harness.other.sweep() == [(gone, PresenceState(False, left_at))]
    assert await state_of(harness.other, stays) == PresenceState(True, None)


async def test_query_answers_for_many_users_at_once(harness: Harness) -> None:
    online, offline = new_ids()
    never = uuid.uuid4()
    await harness.presence.connect(online, uuid.uuid4())
    socket = uuid.uuid4()
    await harness.presence.connect(offline, socket)
    await harness.presence.disconnect(offline, socket)
    left_at = harness.clock.now()
    harness.clock.advance(GRACE)
    await harness.presence.settle(offline)
    assert await harness.other.query([online, offline, never, online]) == {
        online: PresenceState(True, None),
        offline: PresenceState(False, left_at),
        never: PresenceState(False, None),
    }


async def test_processes_settling_at_once_announce_once(harness: Harness) -> None:
    users = [uuid.uuid4() for _ in range(20)]
    for user in users:
        socket = uuid.uuid4()
        await harness.presence.connect(user, socket)
        await harness.presence.disconnect(user, socket)
    harness.clock.advance(GRACE)
    stores = [harness.presence, harness.other] * 3
    results = await asyncio.gather(*(store.settle(user) for store in stores for user in users))
    assert sum(result is not None for result in results) == len(users)


# --- open sockets --------------------------------------------------------------------------------


async def test_sockets_beyond_the_cap_are_the_oldest_on_any_process(harness: Harness) -> None:
    user = uuid.uuid4()
    opened = [uuid.uuid4() for _ in range(5)]
    assert await harness.sockets.touch(user, opened[0], keep=3) == []
    assert await harness.other_sockets.touch(user, opened[1], keep=3) == []
    assert await harness.sockets.touch(user, opened[2], keep=3) == []
    harness.clock.advance(timedelta(seconds=1))
    assert await harness.sockets.touch(user, opened[0], keep=3) == []  # a heartbeat keeps its place
    assert await harness.other_sockets.touch(user, opened[3], keep=3) == [opened[0]]
    assert await harness.sockets.touch(user, opened[4], keep=3) == [opened[1]]
    assert await harness.sockets.touch(uuid.uuid4(), uuid.uuid4(), keep=3) == []  # per user


async def test_a_closed_socket_no_longer_counts(harness: Harness) -> None:
    user, first = new_ids()
    second, third = uuid.uuid4(), uuid.uuid4()
    await harness.sockets.touch(user, first, keep=2)
    await harness.sockets.touch(user, second, keep=2)
    await harness.other_sockets.forget(user, first)
    await harness.other_sockets.forget(user, uuid.uuid4())  # unknown: nothing happens
    assert await harness.sockets.touch(user, third, keep=2) == []
    assert await harness.sockets.touch(user, uuid.uuid4(), keep=2) == [second]


async def test_the_sockets_of_a_dead_process_stop_counting(harness: Harness) -> None:
    user, dead = new_ids()
    await harness.sockets.touch(user, dead, keep=2)
    harness.clock.advance(TTL / 2)
    alive = uuid.uuid4()
    await harness.other_sockets.touch(user, alive, keep=2)
    harness.clock.advance(TTL / 2)  # the first was never touched again: it no longer counts
    assert await harness.other_sockets.touch(user, uuid.uuid4(), keep=2) == []
    assert await harness.other_sockets.touch(user, uuid.uuid4(), keep=2) == [alive]


async def test_a_forgotten_socket_touched_again_counts_as_the_newest(harness: Harness) -> None:
    user, late = new_ids()
    await harness.sockets.touch(user, late, keep=2)
    harness.clock.advance(TTL)  # its process stalled past the TTL
    other = uuid.uuid4()
    await harness.sockets.touch(user, other, keep=2)
    assert await harness.sockets.touch(user, late, keep=2) == []
    assert await harness.sockets.touch(user, uuid.uuid4(), keep=2) == [other]


async def test_open_socket_keys_expire_in_redis(redis_harness: Harness, redis_url: str) -> None:
    user, socket = new_ids()
    await redis_harness.sockets.touch(user, socket, keep=2)
    client = redis.asyncio.Redis.from_url(redis_url)
    try:
        keys = [key async for key in client.scan_iter(match=f"*sockets:*:{user}")]
        assert len(keys) == 3
        for key in keys:
            assert 0 < await client.pttl(key) <= TTL.total_seconds() * 1000
    finally:
        await client.aclose()
