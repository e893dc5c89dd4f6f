"""Reading an upload form (``multipart/form-data``) as it streams in, without buffering the file.

The form has an optional ``public`` part and a ``file`` part, which must come last (as in S3's
browser uploads): the fields before it are read first, then the file's bytes go on to the use
case chunk by chunk, straight from the request. The file's content ends well only when the
whole body was a valid form with nothing after the file, so a broken or extended form fails
the upload before anything is committed.

Bounds: a body announced larger than the file limit plus ``FORM_ALLOWANCE`` is refused before
it is read; the bytes actually received are counted against the same bound; small fields, part
headers and the number of parts are capped too. The file itself is counted by the use case.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any, TypeAlias

from attrs import field, frozen
from litestar import Request
from litestar.exceptions import ClientException, HTTPException
from multipart import (
    MultipartSegment,
    ParserError,
    ParserLimitReached,
    PushMultipartParser,
)

from alora_core.shared.errors import FieldError, Invalid

FORM_ALLOWANCE = 64 * 1024
"""Bytes a form may hold beyond the file: boundaries, part headers, the ``public`` field."""
MAX_FIELD_BYTES = 16
MAX_PARTS = 8
FILE_FIELD = "file"
PUBLIC_FIELD = "public"
_BOOLEANS = {"true": True, "1": True, "on": True, "false": False, "0": False, "off": False}

ParserEvent: TypeAlias = "MultipartSegment | bytes | None"


@frozen
class UploadForm:
    filename: str | None
    """As the client sent it (the core cleans it)."""
    public: bool | None
    """None when the form has no ``public`` field."""
    content: AsyncGenerator[bytes, None]
    """The file's bytes, as they arrive."""
    _events: AsyncGenerator[ParserEvent, None] = field(alias="events")

    async def aclose(self) -> None:
        """Stop reading the request (call it when done, read to the end or not)."""
        await self.content.aclose()
        await self._events.aclose()


async def read_upload(request: Request[Any, Any, Any], max_file_bytes: int) -> UploadForm:
    """Read the form up to the start of the file. 415 for a body that is not a form, 413 for
    one announced too large, 400 for a broken form, 422 for unknown, repeated or bad fields
    and for a form without a file."""
    media_type, options = request.content_type
    if media_type != "multipart/form-data":
        raise HTTPException(
            status_code=415,
            detail="send the file as multipart/form-data, in a part named `file`",
        )
    limit = max_file_bytes + FORM_ALLOWANCE
    if (request.content_length or 0) > limit:
        raise _too_large(max_file_bytes)
    try:
        parser = PushMultipartParser(
            options.get("boundary", ""), max_header_count=8, max_segment_count=MAX_PARTS
        )
    except ParserError:
        raise ClientException("the multipart boundary is missing or invalid") from None
    events = _events(request.stream(), parser, limit, max_file_bytes)
    fields: dict[str, bytes] = {}
    try:
        async for event in events:
            if not isinstance(event, MultipartSegment):
                continue
            name = event.name or ""
            if name == FILE_FIELD:
                # The file's bytes go on reading the events: they are not closed here.
                return UploadForm(event.filename, _public(fields), _file_bytes(events), events)
            if name != PUBLIC_FIELD:
                raise _invalid(name, "is not a known field (`public`, `file`)", "unknown-field")
            if name in fields:
                raise _invalid(name, "is given twice")
            fields[name] = await _field_value(events, name)
    except BaseException:
        await events.aclose()
        raise
    raise _invalid(FILE_FIELD, "is required: the form has no `file` part", "required")


async def _events(
    stream: AsyncIterator[bytes], parser: PushMultipartParser, limit: int, max_file_bytes: int
) -> AsyncGenerator[ParserEvent, None]:
    received = 0
    try:
        async for chunk in stream:
            received += len(chunk)
            if received > limit:
                raise _too_large(max_file_bytes)
            for event in parser.parse(chunk):  # the last chunk, b"", closes the parser
                yield event
        if not parser.closed:
            parser.close()
    except ParserLimitReached:
        raise ClientException("the form has too many parts or too long part headers") from None
    except ParserError:
        raise ClientException("the body is not a complete multipart/form-data form") from None


async def _field_value(events: AsyncIterator[ParserEvent], name: str) -> bytes:
    value = b""
    async for event in events:
        if event is None:
            return value
        if isinstance(event, bytes):
            value += event
            if len(value) > MAX_FIELD_BYTES:
                raise _invalid(name, f"must be at most {MAX_FIELD_BYTES} bytes")
    return value


def _public(fields: dict[str, bytes]) -> bool | None:
    raw = fields.get(PUBLIC_FIELD)
    if raw is None:
        return None
    value = _BOOLEANS.get(raw.decode("utf-8", "replace").strip().lower())
    if value is None:
        raise _invalid(PUBLIC_FIELD, "must be true or false")
    return value


async def _file_bytes(events: AsyncGenerator[ParserEvent, None]) -> AsyncGenerator[bytes, None]:
    try:
        async for event in events:
            if event is None:
                break
            if isinstance(event, bytes):
                yield event
        async for event in events:
            if isinstance(event, MultipartSegment):
                if event.name == FILE_FIELD:
                    raise _invalid(FILE_FIELD, "is given twice: upload one file at a time")
                raise _invalid(
                    event.name or "", "must come before `file`: the file is the form's last part"
                )
    finally:
        await events.aclose()


def _invalid(field: str, message: str, code: str = "invalid") -> Invalid:
    return Invalid(f"the form's `{field}` {message}", [FieldError(field, message, code)])


def _too_large(max_file_bytes: int) -> HTTPException:
    return HTTPException(
        status_code=413, detail=f"the file is larger than the limit of {max_file_bytes} bytes"
    )
