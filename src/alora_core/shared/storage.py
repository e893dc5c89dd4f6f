"""Object storage: bytes under keys, in a local folder or an S3-compatible bucket. A platform
service, like mail: the files context keeps uploads there, other contexts may keep documents."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterable, AsyncIterator
from typing import Protocol

from alora_core.shared.errors import Unavailable


class StorageUnavailable(Unavailable):
    """The storage failed or cannot be reached (HTTP 503); the cause is logged."""


class ContentMissing(LookupError):
    """Raised by a storage for a key that holds nothing; never leaves the core."""


class Content(Protocol):
    """An open content: its bytes in chunks. Whoever opened it closes it (``aclose``), also when
    it stops reading early; closing twice is harmless."""

    def __aiter__(self) -> AsyncIterator[bytes]: ...

    async def __anext__(self) -> bytes: ...

    async def aclose(self) -> None: ...


class FileStorage(Protocol):
    """Bytes under keys. Keys are made by the context that stores them (e.g. files'
    ``model.new_storage_key``): ASCII
    letters, digits, ``.``, ``-``, ``_``, and ``/`` between non-empty parts.

    Failures to reach or use the storage raise ``StorageUnavailable``.
    """

    async def put(self, key: str, chunks: AsyncIterable[bytes], content_type: str) -> None:
        """Store the bytes ``chunks`` yields under ``key``, all or nothing: when ``chunks``
        raises or the write fails, the error propagates and ``key`` holds nothing new. A reader
        never sees part of the content."""
        ...

    async def open(self, key: str) -> Content:
        """The content under ``key``, opened now; ``ContentMissing`` when there is none."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the content under ``key``; nothing happens when there is none."""
        ...

    async def exists(self, key: str) -> bool: ...

    async def delete_owned(self, owner_id: uuid.UUID) -> int:
        """Remove every content under a key that starts with ``<owner_id>/`` (the keys
        files' ``model.new_storage_key`` makes for that owner), with whatever unfinished puts left
        there; how many contents were removed. Nothing there is no error (0): running it
        again is harmless. Other owners' contents are untouched."""
        ...
