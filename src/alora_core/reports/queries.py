"""The admin statistics: every context's section side by side, and their latest activity."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import TypeVar

from attrs import frozen

from alora_core.shared.statistics import Activity, Section, StatisticsWindow

S = TypeVar("S")

SectionCollector = Callable[[StatisticsWindow], Awaitable[Section]]
"""Counts one context's section (in a unit of work of its own)."""


@frozen(kw_only=True)
class PlatformStatistics:
    generated_at: datetime
    sections: Mapping[str, Section]
    """Each context's figures, by context."""
    recent_activity: list[Activity]
    """The latest activity of every section, newest first."""

    def section(self, kind: type[S]) -> S:
        """The section of type ``kind``: ``stats.section(BookingFigures)``."""
        for section in self.sections.values():
            if isinstance(section, kind):
                return section
        raise LookupError(f"no {kind.__name__} in these statistics")
