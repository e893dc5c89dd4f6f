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
    async def retry_after(self, key: str, limit: Limit) -> int | None:
        """Seconds until ``key`` may try again, or None when it is under its limit."""
        ...

    async def hit(self, key: str, limit: Limit) -> int | None:
        """Count one attempt; return seconds to wait when this attempt went over the limit."""
        ...

    async def reset(self, key: str) -> None: ...
