"""The rate-limit port: fixed windows counted in a store shared by every API process."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from attrs import frozen


@frozen
class Limit:
    attempts: int
    window: timedelta


class RateLimiter(Protocol):
    """Counts attempts per ``key`` in fixed windows.

    A window opens at the first ``hit`` on a key with no open window and lasts
    ``limit.window``; when it ends the count is forgotten. Hits inside a window do not
    extend it. A key is *blocked* while its window's count is ``>= limit.attempts``.
    Waiting times are whole seconds rounded up, at least 1. A key's window length is
    fixed by the hit that opened it, so always use one ``Limit`` per key.

    Typical use: ``retry_after`` before the attempt (refuse when blocked), ``hit`` after a
    failed attempt, ``reset`` after a successful one.
    """

    async def retry_after(self, key: str, limit: Limit) -> int | None:
        """Seconds until ``key``'s window ends when it is blocked (count >= attempts), else None.

        Does not count an attempt.
        """
        ...

    async def hit(self, key: str, limit: Limit) -> int | None:
        """Count one attempt; seconds until the window ends when it went over the limit.

        "Over" means the count, this attempt included, now exceeds ``limit.attempts``; else
        None. With ``attempts=3`` the first three hits return None and ``retry_after``
        blocks from then on; a fourth hit in the window returns the wait.
        """
        ...

    async def reset(self, key: str) -> None:
        """Forget ``key``'s window and count."""
        ...
