"""What the files context needs from outside: the metadata repository, a storage for the bytes
and a way to recognize a type from the first bytes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterable, AsyncIterator
from typing import Protocol

from alora_core.files.model import StoredFile
from alora_core.shared.uow import UnitOfWork


class Files(Protocol):
    async def add(self, file: StoredFile) -> None: ...

    async def get(self, file_id: uuid.UUID) -> StoredFile | None: ...

    async def get_for_update(self, file_id: uuid.UUID) -> StoredFile | None:
        """The file, locked until commit: concurrent changes to it wait for each other."""
        ...

    async def delete(self, file: StoredFile) -> None: ...


class FilesUnitOfWork(UnitOfWork, Protocol):
    files: Files


class Content(Protocol):
    """An open content: its bytes in chunks. Whoever opened it closes it (``aclose``), also when
    it stops reading early; closing twice is harmless."""

    def __aiter__(self) -> AsyncIterator[bytes]: ...

    async def __anext__(self) -> bytes: ...

    async def aclose(self) -> None: ...


class FileStorage(Protocol):
    """Bytes under keys. Keys are made by the files context (``model.new_storage_key``): ASCII
    letters, digits, ``.``, ``-``, ``_``, and ``/`` between non-empty parts.

    Failures to reach or use the storage raise ``errors.StorageUnavailable``.
    """

    async def put(self, key: str, chunks: AsyncIterable[bytes], content_type: str) -> None:
        """Store the bytes ``chunks`` yields under ``key``, all or nothing: when ``chunks``
        raises or the write fails, the error propagates and ``key`` holds nothing new. A reader
        never sees part of the content."""
        ...

    async def open(self, key: str) -> Content:
        """The content under ``key``, opened now; ``errors.ContentMissing`` when there is none."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the content under ``key``; nothing happens when there is none."""
        ...

    async def exists(self, key: str) -> bool: ...

    async def delete_owned(self, owner_id: uuid.UUID) -> int:
        """Remove every content under a key that starts with ``<owner_id>/`` (the keys
        ``model.new_storage_key`` makes for that owner), with whatever unfinished puts left
        there; how many contents were removed. Nothing there is no error (0): running it
        again is harmless. Other owners' contents are untouched."""
        ...


class ContentSniffer(Protocol):
    def sniff(self, head: bytes) -> str | None:
        """The media type that the first bytes of a file show (``image/png`` ...), None when
        they show none it knows. ``head`` holds the first ``use_cases.HEAD_BYTES`` bytes, or
        the whole file when it is shorter."""
        ...
