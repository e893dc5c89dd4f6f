"""The signed-in cache: what it keeps, what it never keeps, and forgetting across processes."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import redis.asyncio

from adapters.signed_in_cache import LocalSignedInCache, RedisForgetChannel
from alora_core.identity import events
from alora_core.identity.queries import SignedIn
from alora_core.identity.signed_in import (
    SESSION_CHANGED,
    access_maybe_ended,
    forget_changed,
    users_changed,
)
from contexts.identity.records import NOW, make_session, make_user


class Clock:
    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self) -> float:
        return self.seconds


def signed_in(name: str = "ana") -> tuple[SignedIn, uuid.UUID]:
    user = make_user(name)
    session = make_session(user)
    return SignedIn(user=user, session_expires_at=session.expires_at), session.id


@pytest.mark.memory
async def test_a_read_kept_is_served_until_the_user_is_forgotten() -> None:
    cache = LocalSignedInCache()
    found, session_id = signed_in()
    user_id = found.user.id
    first = await cache.get(user_id, session_id)
    assert first.found is None
    await cache.put(first, found)
    assert (await cache.get(user_id, session_id)).found == found
    await cache.forget([user_id])
    assert (await cache.get(user_id, session_id)).found is None


@pytest.mark.memory
async def test_a_read_that_raced_a_forget_is_not_kept() -> None:
    cache = LocalSignedInCache()
    found, session_id = signed_in()
    lookup = await cache.get(found.user.id, session_id)
    await cache.forget([found.user.id])  # committed while the read was under way
    await cache.put(lookup, found)
    assert (await cache.get(found.user.id, session_id)).found is None


@pytest.mark.memory
async def test_forgetting_one_user_keeps_the_others() -> None:
    cache = LocalSignedInCache()
    ana, ana_session = signed_in("ana")
    ben, ben_session = signed_in("ben")
    await cache.put(await cache.get(ana.user.id, ana_session), ana)
    await cache.put(await cache.get(ben.user.id, ben_session), ben)
    await cache.forget([ana.user.id])
    assert (await cache.get(ana.user.id, ana_session)).found is None
    assert (await cache.get(ben.user.id, ben_session)).found == ben


@pytest.mark.memory
async def test_an_entry_is_not_served_for_another_user_or_after_its_time() -> None:
    clock = Clock()
    cache = LocalSignedInCache(keep_seconds=60, monotonic=clock)
    found, session_id = signed_in()
    await cache.put(await cache.get(found.user.id, session_id), found)
    assert (await cache.get(uuid.uuid4(), session_id)).found is None
    clock.seconds = 59.9
    assert (await cache.get(found.user.id, session_id)).found == found
    clock.seconds = 60
    assert (await cache.get(found.user.id, session_id)).found is None


@pytest.mark.memory
async def test_it_holds_at_most_max_entries_and_versions() -> None:
    cache = LocalSignedInCache(max_entries=2)
    kept = [signed_in(f"user{index}") for index in range(3)]
    for found, session_id in kept:
        await cache.put(await cache.get(found.user.id, session_id), found)
    oldest, newest = kept[0], kept[2]
    assert (await cache.get(oldest[0].user.id, oldest[1])).found is None
    assert (await cache.get(newest[0].user.id, newest[1])).found == newest[0]
    lookup = await cache.get(newest[0].user.id, newest[1])
    await cache.forget([uuid.uuid4() for _ in range(3)])  # more versions than entries: all go
    assert (await cache.get(newest[0].user.id, newest[1])).found is None
    await cache.put(lookup, newest[0])  # read before the clearing: not kept
    assert (await cache.get(newest[0].user.id, newest[1])).found is None


class Published:
    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []

    async def publish(self, topic: str, event: str, data: dict[str, object]) -> None:
        self.messages.append((topic, event))


@pytest.mark.memory
async def test_after_commit_it_forgets_changed_users_and_rechecks_sockets_when_access_ends() -> (
    None
):
    cache = LocalSignedInCache()
    realtime = Published()
    ana, ana_session = signed_in("ana")
    ben, ben_session = signed_in("ben")
    for found, session_id in ((ana, ana_session), (ben, ben_session)):
        await cache.put(await cache.get(found.user.id, session_id), found)
    committed = [
        events.UserUpdated(occurred_at=NOW, user_id=ana.user.id, fields=["full_name"]),
        events.SessionRevoked(
            occurred_at=NOW, user_id=ben.user.id, session_id=ben_session, reason="logout"
        ),
    ]
    assert users_changed(committed) == {ana.user.id, ben.user.id}
    assert access_maybe_ended(committed) == {ben.user.id}
    await forget_changed(committed, cache, realtime)
    assert (await cache.get(ana.user.id, ana_session)).found is None
    assert (await cache.get(ben.user.id, ben_session)).found is None
    assert realtime.messages == [(f"user:{ben.user.id}", SESSION_CHANGED)]


# --- across processes, through Redis -------------------------------------------------------------


@pytest.fixture
async def two_caches(redis_url: str) -> AsyncIterator[tuple[LocalSignedInCache, ...]]:
    channels = [RedisForgetChannel(redis.asyncio.Redis.from_url(redis_url)) for _ in range(2)]
    caches = tuple(LocalSignedInCache(channel=channel) for channel in channels)
    try:
        yield caches
    finally:
        for channel in channels:
            await channel.close()


async def until(condition: Callable[[], Awaitable[bool]], within: float = 10) -> None:
    """``await condition()`` becomes true within ``within`` seconds."""
    for _ in range(int(within / 0.01)):
        if await condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition did not become true in time")


@pytest.mark.redis
async def test_a_user_forgotten_in_one_process_is_forgotten_in_the_other(
    two_caches: tuple[LocalSignedInCache, LocalSignedInCache],
) -> None:
    first, second = two_caches
    found, session_id = signed_in()
    user_id = found.user.id
    for cache in two_caches:  # nothing is kept before the subscription is up
        assert (await cache.get(user_id, session_id)).stamp is None

    async def subscribed() -> bool:
        return all(
            [(await cache.get(user_id, session_id)).stamp is not None for cache in two_caches]
        )

    await until(subscribed)
    for cache in two_caches:
        await cache.put(await cache.get(user_id, session_id), found)
        assert (await cache.get(user_id, session_id)).found == found

    await first.forget([user_id])
    assert (await first.get(user_id, session_id)).found is None

    async def forgotten_in_second() -> bool:
        return (await second.get(user_id, session_id)).found is None

    await until(forgotten_in_second)


@pytest.mark.redis
async def test_without_its_subscription_a_process_keeps_nothing(redis_url: str) -> None:
    channel = RedisForgetChannel(redis.asyncio.Redis.from_url(redis_url))
    cache = LocalSignedInCache(channel=channel)
    found, session_id = signed_in()
    try:

        async def subscribed() -> bool:
            return (await cache.get(found.user.id, session_id)).stamp is not None

        await until(subscribed)
        await cache.put(await cache.get(found.user.id, session_id), found)
        assert channel._listener is not None
        channel._listener.cancel()  # the subscription is lost
        await asyncio.gather(channel._listener, return_exceptions=True)
        lookup = await cache.get(found.user.id, session_id)
        assert lookup.found is None
        assert lookup.stamp is None
    finally:
        await channel.close()
