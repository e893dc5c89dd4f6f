"""The ``files`` table (uploaded files' metadata; the bytes live in the storage), its mapping and
the repository.

A file belongs to a user and its row goes with them (``ON DELETE CASCADE``). ``storage_key`` is
unique: no two files ever name the same bytes.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Uuid,
)
from sqlalchemy.orm import Mapper

from adapters.sqlalchemy.database import metadata
from adapters.sqlalchemy.identity.tables import user_owner
from adapters.sqlalchemy.mapping import map_versioned
from adapters.sqlalchemy.types import UtcDateTime
from alora_core.files.model import StoredFile

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

__all__ = ["SqlFiles", "files_table"]

files_table = Table(
    "files",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("owner_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("public", Boolean, nullable=False),
    Column("storage_key", String(512), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    CheckConstraint("size > 0", name="size_positive"),
    Index("ix_files_owner_id_id", "owner_id", "id"),
)

file_mapper: Mapper[Any] = map_versioned(StoredFile, files_table, _orm_user=user_owner())


class SqlFiles:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def add(self, file: StoredFile) -> None:
        self._uow.add(file)

    async def get(self, file_id: uuid.UUID) -> StoredFile | None:
        return await self._uow.get(StoredFile, file_id)

    async def get_for_update(self, file_id: uuid.UUID) -> StoredFile | None:
        return await self._uow.get(StoredFile, file_id, for_update=True)

    async def delete(self, file: StoredFile) -> None:
        await self._uow.delete(file)
