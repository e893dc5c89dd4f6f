"""Files' unit of work in SQL (the metadata; bytes live in a ``FileStorage``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.repository import repository
from adapters.sqlalchemy.files.repositories import SqlFiles
from adapters.sqlalchemy.files.statistics import SqlFileStatistics
from adapters.sqlalchemy.uow import SqlUnitOfWork

if TYPE_CHECKING:
    from alora_core.files.ports import FilesUnitOfWork


class SqlFilesUnitOfWork(SqlUnitOfWork):
    files = repository(SqlFiles)
    statistics = repository(SqlFileStatistics)


if TYPE_CHECKING:

    def _conforms(uow: SqlFilesUnitOfWork) -> FilesUnitOfWork:
        return uow
