"""Files' section of the admin statistics: how many files are stored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from attrs import field, frozen

from alora_core.shared.statistics import Activity, StatisticsWindow


@frozen(kw_only=True)
class FileFigures:
    files: int
    recent: Sequence[Activity] = field(factory=tuple)


class FileStatistics(Protocol):
    async def collect(self, window: StatisticsWindow) -> FileFigures: ...
