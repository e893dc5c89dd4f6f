"""The RateLimiter contract, run against the memory adapter and Redis (``redis_url``)."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import attrs
import pytest
import redis
import redis.asyncio

from adapters.memory.ratelimit import MemoryRateLimiter
from adapters.redis_ratelimit import RedisRateLimiter
from alora_core.shared.clock import FixedClock
from alora_core.shared.ratelimit import Limit, RateLimiter

THREE_PER_MINUTE = Limit(attempts=3, window=timedelta(seconds=60))


@attrs.frozen
class Harness:
    limiter: RateLimiter
    advance: Callable[[timedelta], Awaitable[None]]


@pytest.fixture
def memory_harness() -> Harness:
    clock = FixedClock()

    async def advance(delta: timedelta) -> None:
        clock.advance(delta)

    return Harness(MemoryRateLimiter(clock), advance)


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[redis.asyncio.Redis]:
    client = redis.asyncio.Redis.from_url(redis_url)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def redis_prefix(redis_client: redis.asyncio.Redis) -> AsyncIterator[str]:
    prefix = f"alora:test:rl:{uuid.uuid4().hex}:"
    yield prefix
    keys = [key async for key in redis_client.scan_iter(match=prefix + "*")]
    if keys:
        await redis_client.delete(*keys)


@pytest.fixture
def redis_harness(redis_client: redis.asyncio.Redis, redis_prefix: str) -> Harness:
    async def advance(delta: timedelta) -> None:
        # Time travel for Redis: shorten every counter's remaining time by ``delta``.
        step = round(delta.total_seconds() * 1000)
        async for key in redis_client.scan_iter(match=redis_prefix + "*"):
            ttl = await redis_client.pttl(key)
            if ttl > step:
                await redis_client.pexpire(key, ttl - step)
            elif ttl >= 0:
                await redis_client.delete(key)

    return Harness(RedisRateLimiter(redis_client, prefix=redis_prefix), advance)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def harness(request: pytest.FixtureRequest) -> Harness:
    harness: Harness = request.getfixturevalue(f"{request.param}_harness")
    return harness


class TestContract:
    async def test_an_unknown_key_is_not_blocked(self, harness: Harness) -> None:
        assert await harness.limiter.retry_after("nobody", THREE_PER_MINUTE) is None

    async def test_attempts_up_to_the_limit_pass_then_the_key_is_blocked(
        self, harness: Harness
    ) -> None:
        limiter = harness.limiter

        for _ in range(2):
            assert await limiter.hit("ip:1", THREE_PER_MINUTE) is None
            assert await limiter.retry_after("ip:1", THREE_PER_MINUTE) is None
        assert await limiter.hit("ip:1", THREE_PER_MINUTE) is None

        assert await limiter.retry_after("ip:1", THREE_PER_MINUTE) == 60
        assert await limiter.hit("ip:1", THREE_PER_MINUTE) == 60
        assert await limiter.hit("ip:1", THREE_PER_MINUTE) == 60

    async def test_retry_after_does_not_count(self, harness: Harness) -> None:
        for _ in range(10):
            assert await harness.limiter.retry_after("ip:1", THREE_PER_MINUTE) is None

        for _ in range(3):
            assert await harness.limiter.hit("ip:1", THREE_PER_MINUTE) is None

    async def test_the_count_is_forgotten_when_the_window_ends(self, harness: Harness) -> None:
        limiter = harness.limiter
        for _ in range(4):
            await limiter.hit("ip:1", THREE_PER_MINUTE)

        await harness.advance(timedelta(seconds=60))

        assert await limiter.retry_after("ip:1", THREE_PER_MINUTE) is None
        for _ in range(3):
            assert await limiter.hit("ip:1", THREE_PER_MINUTE) is None
        assert await limiter.hit("ip:1", THREE_PER_MINUTE) == 60

    async def test_the_window_starts_at_the_first_hit_and_hits_do_not_extend_it(
        self, harness: Harness
    ) -> None:
        limiter = harness.limiter
        await limiter.hit("ip:1", THREE_PER_MINUTE)
        await harness.advance(timedelta(seconds=40))
        await limiter.hit("ip:1", THREE_PER_MINUTE)
        await limiter.hit("ip:1", THREE_PER_MINUTE)

        assert await limiter.retry_after("ip:1", THREE_PER_MINUTE) == 20
        await harness.advance(timedelta(seconds=15))
        assert await limiter.hit("ip:1", THREE_PER_MINUTE) == 5
        await harness.advance(timedelta(seconds=5))
        assert await limiter.retry_after("ip:1", THREE_PER_MINUTE) is None

    async def test_waits_round_up_to_whole_seconds_and_are_at_least_one(
        self, harness: Harness
    ) -> None:
        limiter = harness.limiter
        for _ in range(3):
            await limiter.hit("ip:1", THREE_PER_MINUTE)

        await harness.advance(timedelta(seconds=58, milliseconds=500))
        assert await limiter.retry_after("ip:1", THREE_PER_MINUTE) == 2
        await harness.advance(timedelta(seconds=1))
        assert await limiter.retry_after("ip:1", THREE_PER_MINUTE) == 1
        assert await limiter.hit("ip:1", THREE_PER_MINUTE) == 1

    async def test_a_sub_second_window_still_waits_one_second(self, harness: Harness) -> None:
        limit = Limit(attempts=1, window=timedelta(milliseconds=300))

        assert await harness.limiter.hit("k", limit) is None
        assert await harness.limiter.retry_after("k", limit) == 1
        assert await harness.limiter.hit("k", limit) == 1

    async def test_keys_are_counted_apart(self, harness: Harness) -> None:
        limiter = harness.limiter
        for _ in range(3):
            await limiter.hit("login:ada@example.com", THREE_PER_MINUTE)

        assert await limiter.retry_after("login:ada@example.com", THREE_PER_MINUTE) == 60
        assert await limiter.retry_after("login:bob@example.com", THREE_PER_MINUTE) is None
        assert await limiter.hit("login:bob@example.com", THREE_PER_MINUTE) is None

    async def test_reset_forgets_the_key(self, harness: Harness) -> None:
        limiter = harness.limiter
        for _ in range(5):
            await limiter.hit("ip:1", THREE_PER_MINUTE)

        await limiter.reset("ip:1")
        await limiter.reset("never-seen")

        assert await limiter.retry_after("ip:1", THREE_PER_MINUTE) is None
        for _ in range(3):
            assert await limiter.hit("ip:1", THREE_PER_MINUTE) is None

    async def test_concurrent_hits_are_each_counted_once(self, harness: Harness) -> None:
        limit = Limit(attempts=10, window=timedelta(seconds=60))

        results = await asyncio.gather(*(harness.limiter.hit("burst", limit) for _ in range(50)))

        assert results.count(None) == 10
        assert await harness.limiter.retry_after("burst", limit) == 60


@pytest.mark.redis
async def test_redis_counters_expire_with_their_window(
    redis_client: redis.asyncio.Redis, redis_prefix: str
) -> None:
    limiter = RedisRateLimiter(redis_client, prefix=redis_prefix)
    limit = Limit(attempts=1, window=timedelta(seconds=1))
    await limiter.hit("k", limit)
    await limiter.hit("k", limit)

    ttl = await redis_client.pttl(redis_prefix + "k")
    assert 0 < ttl <= 1000
    assert await redis_client.get(redis_prefix + "k") == b"2"

    for _ in range(50):  # the key disappears on its own; poll rather than time a sleep
        if await limiter.retry_after("k", limit) is None:
            break
        await asyncio.sleep(0.1)
    assert await limiter.retry_after("k", limit) is None
    assert await redis_client.exists(redis_prefix + "k") == 0


@pytest.mark.redis
async def test_redis_limiter_works_with_decoded_responses(
    redis_url: str, redis_prefix: str
) -> None:
    client = redis.asyncio.Redis.from_url(redis_url, decode_responses=True)
    try:
        limiter = RedisRateLimiter(client, prefix=redis_prefix)
        assert await limiter.hit("k", Limit(1, timedelta(seconds=60))) is None
        assert await limiter.retry_after("k", Limit(1, timedelta(seconds=60))) == 60
        assert await limiter.hit("k", Limit(1, timedelta(seconds=60))) == 60
    finally:
        await client.aclose()


async def test_the_redis_limiter_lets_requests_through_while_redis_is_unreachable() -> None:
    from redis.asyncio import Redis

    from adapters.redis_ratelimit import RedisRateLimiter

    unreachable = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    limiter = RedisRateLimiter(unreachable)
    limit = Limit(1, timedelta(minutes=1))
    try:
        assert await limiter.hit("k", limit) is None
        assert await limiter.hit("k", limit) is None
        assert await limiter.retry_after("k", limit) is None
        await limiter.reset("k")
    finally:
        await unreachable.aclose()
