"""Files' metadata in memory, through a ``MemoryUnitOfWork`` (the bytes: ``adapters.storage``)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from alora_core.files.model import StoredFile

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork

TABLE = "files"
CHUNK_BYTES = 64 * 1024


class MemoryFiles:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, file: StoredFile) -> None:
        self._uow.add(TABLE, file)

    async def get(self, file_id: uuid.UUID) -> StoredFile | None:
        file: StoredFile | None = self._uow.load(TABLE, file_id)
        return file

    async def get_for_update(self, file_id: uuid.UUID) -> StoredFile | None:
        return await self.get(file_id)  # memory commits are atomic: nothing to lock

    async def delete(self, file: StoredFile) -> None:
        self._uow.delete(TABLE, file)
