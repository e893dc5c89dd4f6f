"""The page cache: kept pages, kept bytes, one load for concurrent misses, clearing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from alora_core.shared.cache import PageCache
from alora_core.shared.pagination import Page

NOW = datetime(2030, 1, 1, tzinfo=UTC)


def page(*items: str) -> Page[str]:
    return Page(items=list(items), total=len(items), page=1, page_size=20)


class Loader:
    def __init__(self, result: Page[str] | bytes | Exception) -> None:
        self.result = result
        self.calls = 0
        self.gate = asyncio.Event()

    async def __call__(self) -> object:
        self.calls += 1
        await self.gate.wait()
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


async def test_concurrent_misses_for_one_key_wait_for_one_load() -> None:
    cache: PageCache[str] = PageCache(timedelta(seconds=2))
    load = Loader(page("a"))
    waiting = [asyncio.create_task(cache.page("k", NOW, load)) for _ in range(10)]  # type: ignore[arg-type]
    await asyncio.sleep(0)
    load.gate.set()
    results = await asyncio.gather(*waiting)
    assert load.calls == 1
    assert all(result is results[0] for result in results)
    assert cache.get("k", NOW) is results[0]
    assert cache.get("k", NOW + timedelta(seconds=2)) is None  # expired


async def test_a_caller_after_a_write_does_not_join_an_earlier_load() -> None:
    cache: PageCache[str] = PageCache(timedelta(seconds=2))
    before, after = Loader(page("old")), Loader(page("new"))
    first = asyncio.create_task(cache.page("k", NOW, before))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    cache.clear()  # a write committed while the first load was reading
    second = asyncio.create_task(cache.page("k", NOW, after))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    before.gate.set()
    after.gate.set()
    assert (await first).items == ["old"]
    assert (await second).items == ["new"]
    assert cache.get("k", NOW) is not None and cache.get("k", NOW).items == ["new"]  # type: ignore[union-attr]


async def test_a_caller_who_leaves_does_not_cancel_the_load_for_the_others() -> None:
    cache: PageCache[str] = PageCache(timedelta(seconds=2))
    load = Loader(page("a"))
    leader = asyncio.create_task(cache.page("k", NOW, load))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    follower = asyncio.create_task(cache.page("k", NOW, load))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    leader.cancel()
    load.gate.set()
    assert (await follower).items == ["a"]
    assert load.calls == 1


async def test_a_failed_load_fails_every_waiter_and_keeps_nothing() -> None:
    cache: PageCache[str] = PageCache(timedelta(seconds=2))
    load = Loader(RuntimeError("database away"))
    waiting = [asyncio.create_task(cache.page("k", NOW, load)) for _ in range(3)]  # type: ignore[arg-type]
    await asyncio.sleep(0)
    load.gate.set()
    for task in waiting:
        with pytest.raises(RuntimeError):
            await task
    assert load.calls == 1
    assert cache.get("k", NOW) is None
    again = Loader(page("b"))
    again.gate.set()
    assert (await cache.page("k", NOW, again)).items == ["b"]  # type: ignore[arg-type]


async def test_kept_bytes_follow_the_pages_rules() -> None:
    cache: PageCache[str] = PageCache(timedelta(seconds=2))
    load = Loader(b'{"items":[]}')
    load.gate.set()
    assert await cache.encode("q", NOW, load) == b'{"items":[]}'  # type: ignore[arg-type]
    assert await cache.encode("q", NOW, load) == b'{"items":[]}'  # type: ignore[arg-type]
    assert load.calls == 1
    assert cache.encoded("q", NOW) == b'{"items":[]}'
    cache.clear()
    assert cache.encoded("q", NOW) is None
    assert cache.encoded("other", NOW) is None
