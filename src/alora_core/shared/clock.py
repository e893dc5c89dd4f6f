"""The clock port (the core never reads the wall clock directly), and IANA zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that moves only when told to; for tests and simulations."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2030, 1, 1, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta


def zone_or_utc(name: str) -> ZoneInfo:
    """The IANA zone ``name``; UTC when it is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder, a long name
        return ZoneInfo("UTC")


_NOT_IANA_NAMES = frozenset({"localtime", "Factory"})
"""Installed beside the zones but not time zones: the host's own setting, and tzdata's
placeholder for an unset zone."""


@cache
def iana_time_zones() -> frozenset[str]:
    """The IANA time-zone names this machine knows, read once (a walk over the database)."""
    return frozenset(available_timezones() - _NOT_IANA_NAMES)
