"""``Coalescing``: the latest state of a high-rate topic, once per window. The windows are
ended by hand (a scheduler that only records what it was asked), so no test waits on time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import pytest
from attrs import define, field

from alora_core.shared.realtime import Coalescing, Push


@define
class Recording:
    calls: list[list[Push]] = field(factory=list)
    fail: bool = False

    async def publish(self, topic: str, event: str, data: dict[str, Any]) -> None:
        await self.publish_many([Push(topic, event, data)])

    async def publish_many(self, pushes: Sequence[Push]) -> None:
        if self.fail:
            raise ConnectionError("the pub/sub is away")
        self.calls.append(list(pushes))


@define
class ByHand:
    """A scheduler whose windows end when the test says so."""

    windows: list[tuple[float, Callable[[], Coroutine[Any, Any, object]]]] = field(factory=list)

    def __call__(self, delay: float, flush: Callable[[], Coroutine[Any, Any, object]]) -> None:
        self.windows.append((delay, flush))

    async def end_window(self) -> None:
        _, flush = self.windows.pop(0)
        await flush()


def coalescing(window: float = 0.05) -> tuple[Coalescing, Recording, ByHand]:
    realtime, clock = Recording(), ByHand()
    return Coalescing(realtime, window, schedule=clock), realtime, clock


async def test_within_a_window_only_the_latest_of_each_topic_goes_once() -> None:
    pushes, realtime, by_hand = coalescing(window=0.05)
    for votes in range(1, 6):
        pushes.offer("poll:1", "poll.results", {"votes": votes})
    pushes.offer("poll:2", "poll.results", {"votes": 7})
    pushes.offer("poll:1", "poll.closed", {"at": "now"})  # another event: kept apart
    assert [delay for delay, _ in by_hand.windows] == [0.05]  # one window, opened by the first
    assert realtime.calls == []  # nothing before the window ends

    await by_hand.end_window()
    assert realtime.calls == [
        [
            Push("poll:1", "poll.results", {"votes": 5}),
            Push("poll:2", "poll.results", {"votes": 7}),
            Push("poll:1", "poll.closed", {"at": "now"}),
        ]
    ]


async def test_each_window_publishes_once_and_a_quiet_one_opens_no_timer() -> None:
    pushes, realtime, by_hand = coalescing()
    pushes.offer("poll:1", "poll.results", {"votes": 1})
    await by_hand.end_window()
    assert by_hand.windows == []  # nothing offered since: no window open
    pushes.offer("poll:1", "poll.results", {"votes": 2})
    pushes.offer("poll:1", "poll.results", {"votes": 3})
    assert len(by_hand.windows) == 1
    await by_hand.end_window()
    assert [[push.data for push in call] for call in realtime.calls] == [
        [{"votes": 1}],
        [{"votes": 3}],
    ]


async def test_flush_sends_what_is_pending_now_and_closes_the_window() -> None:
    pushes, realtime, by_hand = coalescing()
    pushes.offer("poll:1", "poll.results", {"votes": 1})
    assert pushes.pending == [Push("poll:1", "poll.results", {"votes": 1})]
    assert await pushes.flush() == 1
    assert pushes.pending == []
    await by_hand.end_window()  # the timer of the window flushed already: nothing more
    assert await pushes.flush() == 0
    assert len(realtime.calls) == 1


async def test_a_failed_publish_is_logged_and_the_next_window_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="alora.realtime")  # whatever the root's level
    pushes, realtime, by_hand = coalescing()
    realtime.fail = True
    pushes.offer("poll:1", "poll.results", {"votes": 1})
    await by_hand.end_window()
    assert "coalesced push(es) not published" in caplog.text
    realtime.fail = False
    pushes.offer("poll:1", "poll.results", {"votes": 2})
    await by_hand.end_window()
    assert realtime.calls == [[Push("poll:1", "poll.results", {"votes": 2})]]


async def test_on_the_event_loop_a_window_ends_by_itself_and_aclose_sends_the_rest() -> None:
    realtime = Recording()
    pushes = Coalescing(realtime, window_seconds=0.01)
    pushes.offer("poll:1", "poll.results", {"votes": 1})
    pushes.offer("poll:1", "poll.results", {"votes": 2})
    for _ in range(500):  # until the loop's timer ran (no assertion on how long it took)
        if realtime.calls:
            break
        await asyncio.sleep(0.01)
    assert realtime.calls == [[Push("poll:1", "poll.results", {"votes": 2})]]

    pushes.offer("poll:2", "poll.results", {"votes": 9})
    await pushes.aclose()
    assert realtime.calls[-1] == [Push("poll:2", "poll.results", {"votes": 9})]


def test_a_window_must_last() -> None:
    with pytest.raises(ValueError, match="window"):
        Coalescing(Recording(), 0)
