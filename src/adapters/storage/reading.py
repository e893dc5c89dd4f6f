"""An open content read in chunks on worker threads (``alora_core.files.ports.Content``)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

CHUNK_BYTES = 64 * 1024


class ThreadedContent:
    """Chunks from a blocking ``read(size)``, each read on a worker thread. The end of the
    content, an error or ``aclose`` calls ``close`` (once, on the event loop: closing a file or
    an HTTP response does not block). ``failure`` turns an error of ``read`` into the one to
    raise."""

    def __init__(
        self,
        read: Callable[[int], bytes],
        close: Callable[[], object],
        failure: Callable[[Exception], Exception],
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        self._read = read
        self._close = close
        self._failure = failure
        self._chunk_bytes = chunk_bytes
        self._closed = False

    def __aiter__(self) -> ThreadedContent:
        return self

    async def __anext__(self) -> bytes:
        if self._closed:
            raise StopAsyncIteration
        try:
            chunk = await asyncio.to_thread(self._read, self._chunk_bytes)
        except Exception as exc:
            await self.aclose()
            raise self._failure(exc) from exc
        if not chunk:
            await self.aclose()
            raise StopAsyncIteration
        return chunk

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            self._close()
