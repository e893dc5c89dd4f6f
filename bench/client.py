"""A minimal HTTP/1.1 client over asyncio streams: keep-alive, one request at a time.

Far cheaper per request than a full client library, so the benchmark measures the server rather
than its own client. It understands exactly what the API sends: ``Content-Length`` bodies,
chunked bodies and bodies ended by closing the connection.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

from attrs import frozen

HOST = "127.0.0.1"
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
    """One keep-alive connection to ``127.0.0.1:port``; reconnects if the server closed it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def __aenter__(self) -> HttpConnection:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()

    async def send(self, request: bytes, method: str = "GET") -> HttpResponse:
        """Send pre-encoded request bytes (see ``encode_request``) and read the answer."""
        if self._writer is None or self._reader is None:
            self._reader, self._writer = await asyncio.open_connection(HOST, self.port)
        self._writer.write(request)
        try:
            response = await read_response(self._reader, method)
        except BaseException:
            self.close()
            raise
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
