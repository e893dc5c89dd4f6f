"""Files' section of the admin statistics, counted in SQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.sqlalchemy.counting import count_rows
from adapters.sqlalchemy.files.repositories import files_table
from alora_core.files.statistics import FileFigures
from alora_core.shared.statistics import StatisticsWindow

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork


class SqlFileStatistics:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def collect(self, window: StatisticsWindow) -> FileFigures:
        return FileFigures(files=await count_rows(self._uow, files_table))
