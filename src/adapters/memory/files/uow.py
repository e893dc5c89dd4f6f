"""Files' unit of work in memory (the metadata; bytes live in a ``FileStorage``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.memory.files.repositories import MemoryFiles
from adapters.memory.files.statistics import MemoryFileStatistics
from adapters.memory.store import Reference, TableSpec
from adapters.memory.uow import MemoryUnitOfWork
from adapters.repository import repository

if TYPE_CHECKING:
    from alora_core.files.ports import FilesUnitOfWork


class MemoryFilesUnitOfWork(MemoryUnitOfWork):
    tables = (
        TableSpec("files", unique=("storage_key",), references=(Reference("owner_id", "users"),)),
    )

    files = repository(MemoryFiles)
    statistics = repository(MemoryFileStatistics)


if TYPE_CHECKING:

    def _conforms(uow: MemoryFilesUnitOfWork) -> FilesUnitOfWork:
        return uow
