"""Reads of the files table that other contexts' ports ask for (adapters may cross contexts;
the core's contexts do not)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import TYPE_CHECKING

from sqlalchemy import String, Uuid, column, select, table

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

# Only the pinned columns, without the files context's mapping: a context that reads them
# works whether or not the files context is part of the application.
_files = table(
    "files", column("id", Uuid), column("owner_id", Uuid), column("content_type", String)
).c


class SqlOwnImages:
    """Which of some file ids name an image uploaded by a given user."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def images_of(
        self, owner_id: uuid.UUID, file_ids: Collection[uuid.UUID]
    ) -> set[uuid.UUID]:
        if not file_ids:
            return set()
        statement = select(_files.id).where(
            _files.id.in_(list(file_ids)),
            _files.owner_id == owner_id,
            _files.content_type.startswith("image/", autoescape=True),
        )
        return set(await self._uow.scalars(statement))


class SqlOwnFiles:
    """Which of some file ids name a file (of any type) uploaded by a given user."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def files_of(
        self, owner_id: uuid.UUID, file_ids: Collection[uuid.UUID]
    ) -> set[uuid.UUID]:
        if not file_ids:
            return set()
        statement = select(_files.id).where(
            _files.id.in_(list(file_ids)), _files.owner_id == owner_id
        )
        return set(await self._uow.scalars(statement))
