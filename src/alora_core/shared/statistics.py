"""The admin statistics, a section per context.

Each context that has figures to show counts them in its own unit of work
(``uow.statistics.collect(window)``, a port of the context's) into a section of its own type;
the reports context puts the sections side by side with the latest activity of all of them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Protocol

from attrs import frozen


@frozen(kw_only=True)
class Activity:
    """Something that happened recently, for the admin dashboard's feed."""

    kind: str
    """``user.registered``, ``booking.requested``, ``review.created`` ... (``<what>.<event>``)."""
    at: datetime
    subject_id: uuid.UUID
    """The id of the user, booking, review ... it is about."""
    summary: str


@frozen(kw_only=True)
class DayCount:
    day: date
    count: int


@frozen(kw_only=True)
class StatisticsWindow:
    """What the figures cover: ``days``, oldest first (counts per day), and how many of the
    latest activities to give."""

    days: tuple[date, ...]
    recent: int

    @property
    def since(self) -> datetime:
        """The start of the first day (UTC)."""
        return datetime.combine(self.days[0], time.min, tzinfo=UTC)

    def per_day(self, found: Mapping[date, int]) -> list[DayCount]:
        """A count for each day of the window, zero where ``found`` has none."""
        return [DayCount(day=day, count=found.get(day, 0)) for day in self.days]


class Section(Protocol):
    """One context's figures."""

    @property
    def recent(self) -> Sequence[Activity]:
        """Its latest activities, newest first, at most the window's ``recent``."""
        ...


def zero_filled(values: Iterable[str], found: Mapping[str, int]) -> dict[str, int]:
    """``found`` for every one of ``values`` (a closed set: statuses, roles), zeros included."""
    return {value: found.get(value, 0) for value in values}


def newest(activities: Iterable[Activity], limit: int) -> list[Activity]:
    """The ``limit`` latest of ``activities``, newest first."""
    return sorted(activities, key=lambda a: (a.at, a.subject_id), reverse=True)[:limit]
