"""A minimal HTTP/1.1 client over asyncio streams: keep-alive, one request at a time.

Far cheaper per request than a full client library, so the benchmark measures the server rather
than its own client. It understands exactly what the API sends: ``Content-Length`` bodies,
chunked bodies and bodies ended by closing the connection.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping
from typing import Any

from attrs import frozen

HOST = "127.0.0.1"
IDLE_REUSE_SECONDS = 2.0
"""A keep-alive connection idle this long is not reused: a fresh one is opened instead.

Well below the idle timeout of the servers the bench talks to (uvicorn's ``--timeout-keep-alive``
and Node's ``server.keepAliveTimeout`` are both 5 s), so a request is never written into a
connection the server is closing. Reusing one that had sat idle through a long phase (sign-ins
alternate between API processes, so one connection of a pair could sit unused for many seconds)
made the read fail with ``IncompleteReadError`` (0 bytes): the server had closed it.
"""
_SAFE_TO_RESEND = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_HEAD_END = b"\r\n\r\n"
_NO_BODY_STATUSES = frozenset({204, 304})


class HttpError(Exception):
    """An unexpected answer from the server under test."""


@frozen
class HttpResponse:
    status: int
    body: bytes
    keep_alive: bool

    def json(self) -> Any:
        return json.loads(self.body)


def encode_request(
    method: str,
    path: str,
    port: int,
    *,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
) -> bytes:
    """The bytes of one keep-alive request; encode once, send many times."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: keep-alive"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


async def read_response(reader: asyncio.StreamReader, method: str = "GET") -> HttpResponse:
    """Read one response; raises ``asyncio.IncompleteReadError`` if the server hangs up."""
    head = await reader.readuntil(_HEAD_END)
    status = int(head[9:12])
    lowered = head.lower()
    keep_alive = b"\nconnection: close" not in lowered
    if method == "HEAD" or status in _NO_BODY_STATUSES or 100 <= status < 200:
        return HttpResponse(status, b"", keep_alive)
    start = lowered.find(b"\ncontent-length:")
    if start >= 0:
        end = lowered.index(b"\r\n", start + 1)
        length = int(lowered[start + 16 : end])
        return HttpResponse(status, await reader.readexactly(length), keep_alive)
    if b"\ntransfer-encoding: chunked" in lowered:
        return HttpResponse(status, await _read_chunked(reader), keep_alive)
    return HttpResponse(status, await reader.read(), False)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
        if size == 0:
            await reader.readuntil(b"\r\n")  # no trailers from our server: just the last CRLF
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


class HttpConnection:
    """One keep-alive connection to ``127.0.0.1:port``, opened again when it cannot be reused.

    A new connection is opened when there is none yet, when the server said ``Connection:
    close`` or closed it (end of stream seen), and when it has been idle for
    ``IDLE_REUSE_SECONDS``. If a reused connection still fails before any byte of the answer
    arrives (the server closed it just as the request was written), an idempotent request is
    sent once more on a fresh connection; a ``POST`` is not (it could have been processed).
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._last_used = 0.0
        self.reconnects = 0
        """Connections opened because the previous one could not be reused (for diagnosis)."""

    async def __aenter__(self) -> HttpConnection:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()

    def _reusable(self) -> bool:
        if self._reader is None or self._writer is None:
            return False
        if self._writer.is_closing() or self._reader.at_eof():
            return False
        return time.monotonic() - self._last_used < IDLE_REUSE_SECONDS

    async def send(self, request: bytes, method: str = "GET") -> HttpResponse:
        """Send pre-encoded request bytes (see ``encode_request``) and read the answer."""
        reused = self._reusable()
        if not reused:
            if self._writer is not None:
                self.reconnects += 1
            self.close()
        try:
            return await self._exchange(request, method)
        except (asyncio.IncompleteReadError, ConnectionResetError, BrokenPipeError) as exc:
            partial = getattr(exc, "partial", b"")
            if not reused or partial or method not in _SAFE_TO_RESEND:
                raise
            self.reconnects += 1
            return await self._exchange(request, method)  # a fresh connection

    async def _exchange(self, request: bytes, method: str) -> HttpResponse:
        if self._writer is None or self._reader is None:
            self._reader, self._writer = await asyncio.open_connection(HOST, self.port)
        try:
            self._writer.write(request)
            response = await read_response(self._reader, method)
        except BaseException:
            self.close()
            raise
        self._last_used = time.monotonic()
        if not response.keep_alive:
            self.close()
        return response

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> HttpResponse:
        all_headers = dict(headers or {})
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            all_headers["Content-Type"] = "application/json"
        return await self.send(
            encode_request(method, path, self.port, headers=all_headers, body=body), method
        )

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


def expect(response: HttpResponse, status: int, what: str) -> HttpResponse:
    if response.status != status:
        detail = response.body[:500].decode("utf-8", "replace")
        raise HttpError(f"{what}: expected HTTP {status}, got {response.status}: {detail}")
    return response
