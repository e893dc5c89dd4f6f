"""Object storage in a dict, for tests and programs that embed Alora.

``MemoryFileStorage`` keeps the promises of the ``FileStorage`` port the way the real storages
do (all-or-nothing puts, reads of a deleted key that keep the content they opened), so the
storage contract runs against it too.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator, AsyncIterable

from adapters.storage.keys import checked_key
from alora_core.shared.storage import ContentMissing

CHUNK_BYTES = 64 * 1024


class MemoryFileStorage:
    """Bytes in a dict: for tests and programs that embed Alora."""

    def __init__(self) -> None:
        self.objects: dict[str, tuple[bytes, str]] = {}
        """Key -> (content, content type)."""

    async def put(self, key: str, chunks: AsyncIterable[bytes], content_type: str) -> None:
        checked_key(key)
        received = bytearray()
        async for chunk in chunks:
            received += chunk
        self.objects[key] = (bytes(received), content_type)

    async def open(self, key: str) -> AsyncGenerator[bytes, None]:
        stored = self.objects.get(checked_key(key))
        if stored is None:
            raise ContentMissing(key)
        return _chunks(stored[0])

    async def delete(self, key: str) -> None:
        self.objects.pop(key, None)

    async def exists(self, key: str) -> bool:
        return key in self.objects

    async def delete_owned(self, owner_id: uuid.UUID) -> int:
        prefix = f"{owner_id}/"
        owned = [key for key in self.objects if key.startswith(prefix)]
        for key in owned:
            del self.objects[key]
        return len(owned)


async def _chunks(content: bytes) -> AsyncGenerator[bytes, None]:
    for start in range(0, len(content), CHUNK_BYTES):
        yield content[start : start + CHUNK_BYTES]
