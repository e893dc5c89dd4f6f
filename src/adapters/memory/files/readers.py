"""Reads of the files table that other contexts' ports ask for, in memory."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import TYPE_CHECKING

from adapters.memory.files.repositories import TABLE

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork


class MemoryOwnImages:
    """Which of some file ids name an image uploaded by a given user."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def images_of(
        self, owner_id: uuid.UUID, file_ids: Collection[uuid.UUID]
    ) -> set[uuid.UUID]:
        if TABLE not in self._uow.store.tables:  # an Alora without the files context
            return set()
        found = set()
        for file_id in file_ids:
            stored = self._uow.load(TABLE, file_id)
            if stored is not None and stored.owner_id == owner_id and stored.is_image:
                found.add(file_id)
        return found


class MemoryOwnFiles:
    """Which of some file ids name a file (of any type) uploaded by a given user."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def files_of(
        self, owner_id: uuid.UUID, file_ids: Collection[uuid.UUID]
    ) -> set[uuid.UUID]:
        if TABLE not in self._uow.store.tables:  # an Alora without the files context
            return set()
        found = set()
        for file_id in file_ids:
            stored = self._uow.load(TABLE, file_id)
            if stored is not None and stored.owner_id == owner_id:
                found.add(file_id)
        return found
