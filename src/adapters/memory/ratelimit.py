"""Fixed-window rate limiting in process memory (one API process, or tests)."""

from __future__ import annotations

import math
from datetime import datetime

from attrs import define

from alora_core.shared.clock import Clock
from alora_core.shared.ratelimit import Limit


@define
class _Window:
    count: int
    ends_at: datetime


class MemoryRateLimiter:
    """The ``RateLimiter`` semantics of the port, with expired windows swept every so often."""

    def __init__(self, clock: Clock, *, sweep_every: int = 1024) -> None:
        self._clock = clock
        self._windows: dict[str, _Window] = {}
        self._sweep_every = sweep_every
        self._sweep_after = sweep_every
        self._hits_since_sweep = 0

    async def retry_after(self, key: str, limit: Limit) -> int | None:
        now = self._clock.now()
        window = self._open_window(key, now)
        if window is None or window.count < limit.attempts:
            return None
        return self._seconds_left(window, now)

    async def hit(self, key: str, limit: Limit) -> int | None:
        now = self._clock.now()
        self._maybe_sweep(now)
        window = self._open_window(key, now)
        if window is None:
            window = self._windows[key] = _Window(count=0, ends_at=now + limit.window)
        window.count += 1
        if window.count <= limit.attempts:
            return None
        return self._seconds_left(window, now)

    async def reset(self, key: str) -> None:
        self._windows.pop(key, None)

    def __len__(self) -> int:
        """Keys held, expired or not (for tests of the sweep)."""
        return len(self._windows)

    def _open_window(self, key: str, now: datetime) -> _Window | None:
        window = self._windows.get(key)
        if window is not None and now >= window.ends_at:
            del self._windows[key]
            return None
        return window

    def _maybe_sweep(self, now: datetime) -> None:
        self._hits_since_sweep += 1
        if self._hits_since_sweep < self._sweep_after:
            return
        self._hits_since_sweep = 0
        expired = [key for key, window in self._windows.items() if now >= window.ends_at]
        for key in expired:
            del self._windows[key]
        # Waiting as many hits as keys survived keeps the cost per hit constant and the
        # dict at most about twice the number of open windows (plus ``sweep_every``).
        self._sweep_after = max(self._sweep_every, len(self._windows))

    @staticmethod
    def _seconds_left(window: _Window, now: datetime) -> int:
        return max(1, math.ceil((window.ends_at - now).total_seconds()))
