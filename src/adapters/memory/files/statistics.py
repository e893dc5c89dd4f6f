"""Files' section of the admin statistics, counted in memory."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alora_core.files.statistics import FileFigures
from alora_core.shared.statistics import StatisticsWindow

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork


class MemoryFileStatistics:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def collect(self, window: StatisticsWindow) -> FileFigures:
        return FileFigures(files=sum(1 for _ in self._uow.scan("files", lambda _: True)))
