from datetime import timedelta

from adapters.memory.ratelimit import MemoryRateLimiter
from alora_core.shared.clock import FixedClock
from alora_core.shared.ratelimit import Limit

LIMIT = Limit(attempts=3, window=timedelta(seconds=60))


async def test_blocked_from_the_limit_until_the_window_ends() -> None:
    clock = FixedClock()
    limiter = MemoryRateLimiter(clock)
    for _ in range(3):
        assert await limiter.hit("k", LIMIT) is None

    assert await limiter.retry_after("k", LIMIT) == 60
    clock.advance(timedelta(seconds=59, microseconds=1))
    assert await limiter.retry_after("k", LIMIT) == 1
    clock.advance(timedelta(microseconds=999_999))
    assert await limiter.retry_after("k", LIMIT) is None


async def test_expired_keys_are_swept_so_memory_stays_bounded() -> None:
    clock = FixedClock()
    limiter = MemoryRateLimiter(clock, sweep_every=10)

    for round_ in range(20):
        for i in range(10):
            await limiter.hit(f"round-{round_}-key-{i}", LIMIT)
        clock.advance(timedelta(seconds=61))

    assert len(limiter) <= 20


async def test_open_windows_survive_a_sweep() -> None:
    clock = FixedClock()
    limiter = MemoryRateLimiter(clock, sweep_every=2)
    for _ in range(3):
        await limiter.hit("kept", LIMIT)

    for i in range(10):
        await limiter.hit(f"other-{i}", LIMIT)

    assert await limiter.retry_after("kept", LIMIT) == 60
