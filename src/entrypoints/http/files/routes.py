"""``/api/v1/files``: upload, download, replace and delete files (images and PDF).

Uploads stream: the body is read as it arrives and the file's bytes go straight to the storage
(see ``multipart``), so these routes take bodies up to ``ALORA_FILE_MAX_BYTES`` (plus the
form's framing) instead of the API's ``ALORA_MAX_BODY_BYTES``. Downloads stream from the storage
with the content type recognized at upload, the sha256 as a strong ETag (``If-None-Match`` ->
304) and caching headers by visibility. A private file, and any file one may not change, is
404 to everyone but its owner and administrators.
"""

from __future__ import annotations

import unicodedata
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from anyio import CancelScope
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)
from litestar.response import Stream
from litestar.status_codes import HTTP_204_NO_CONTENT, HTTP_304_NOT_MODIFIED

from alora_core.files import commands as c
from alora_core.files.errors import FileTooLarge, UnsupportedFileType
from alora_core.files.model import ACCEPTED_TYPES, StoredFile
from alora_core.identity.use_cases import Principal
from alora_core.shared.actor import Actor
from alora_core.shared.storage import Content
from entrypoints.bootstrap import Alora
from entrypoints.http.auth import viewer_of
from entrypoints.http.base import BEARER_SECURITY, problem_responses, raises
from entrypoints.http.files.multipart import FORM_ALLOWANCE, UploadForm, read_upload
from entrypoints.http.files.schemas import FileIdPath, FileResponse
from entrypoints.http.params import path_id
from entrypoints.modules.files import FilesSettings
from entrypoints.settings import Settings

UPLOAD_BODY_CEILING = 1_073_741_824 + FORM_ALLOWANCE
"""Litestar's body limit on the upload routes: the largest ``ALORA_FILE_MAX_BYTES`` and the
form around it. The configured limit is enforced while the body streams (``multipart``)."""
# Served files never run as a page of this origin (an image or PDF opened directly).
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
_UPLOAD_ERRORS = (400, 401, 403, 413, 415, 422, 503)


# --- OpenAPI -----------------------------------------------------------------------------------


def _binary(description: str) -> Schema:
    return Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY, description=description)


@dataclass
class _UploadOperation(Operation):
    """The upload routes read the form themselves; this documents it."""

    def __post_init__(self) -> None:
        form = Schema(
            type=OpenAPIType.OBJECT,
            required=["file"],
            properties={
                "public": Schema(
                    type=OpenAPIType.BOOLEAN,
                    description="Anyone may download the file (default false; on replace: "
                    "unchanged).",
                ),
                "file": _binary(
                    "JPEG, PNG, GIF, WebP or PDF; the form's last part. Its file name is kept "
                    "(cleaned)."
                ),
            },
            examples=[{"public": True, "file": "(the bytes of kitchen.jpg)"}],
        )
        self.request_body = RequestBody(
            content={RequestEncodingType.MULTI_PART.value: OpenAPIMediaType(schema=form)},
            required=True,
        )


@dataclass
class _DownloadOperation(Operation):
    """The download's 200 is the file itself, in one of the accepted types."""

    def __post_init__(self) -> None:
        if self.responses is None:
            return
        text = Schema(type=OpenAPIType.STRING)
        self.responses["200"] = OpenAPIResponse(
            description="The file's bytes.",
            content={
                content_type: OpenAPIMediaType(schema=_binary("The file."))
                for content_type in ACCEPTED_TYPES
            },
            headers={
                "ETag": OpenAPIHeader(schema=text, description="The sha256 of the content."),
                "Cache-Control": OpenAPIHeader(schema=text),
                "Content-Disposition": OpenAPIHeader(schema=text),
            },
        )


class FilesController(Controller):
    path = "/api/v1/files"
    tags = ["files"]

    @post(
        "/",
        summary="Upload a file",
        description="A `multipart/form-data` form: an optional `public` (`true`/`false`, "
        "default false) and then the `file` (the form's last part). JPEG, PNG, GIF, WebP and "
        "PDF are accepted, recognized from the content (the name and the declared type do "
        "not count): anything else is 415. Larger than `ALORA_FILE_MAX_BYTES` (5 MiB by "
        "default) is 413, an empty file 422. Public files (gallery images, avatars) can be "
        "downloaded by anyone, private ones by their owner and administrators.",
        status_code=201,
        security=BEARER_SECURITY,
        request_max_body_size=UPLOAD_BODY_CEILING,
        operation_class=_UploadOperation,
        responses=problem_responses(*_UPLOAD_ERRORS),
        opt=raises(FileTooLarge, UnsupportedFileType),
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        settings: NamedDependency[Settings],
    ) -> Response[FileResponse]:
        form = await read_upload(request, settings.of(FilesSettings).file_max_bytes)
        try:
            file = await alora.bus.handle(
                c.UploadFile(
                    actor=actor,
                    content=form.content,
                    filename=form.filename,
                    public=bool(form.public),
                )
            )
        finally:
            await form.aclose()
        return Response(FileResponse.of(file), status_code=201, headers={"Location": _url(file)})

    @get(
        "/{file_id:str}",
        summary="Download a file",
        description="The bytes, streamed, with the file's content type and length. `ETag` is "
        "the content's sha256: send it back in `If-None-Match` to get 304 when it has not "
        "changed. Public files are `Cache-Control: public, max-age=...` "
        "(`ALORA_FILE_CACHE_SECONDS`) and need no token; private ones `private, no-cache` "
        "and are 404 to anyone but their owner and administrators. Images are served "
        "inline, PDFs as attachments.",
        security=[{}, *BEARER_SECURITY],
        operation_class=_DownloadOperation,
        responses={
            HTTP_304_NOT_MODIFIED: ResponseSpec(
                None, description="The caller's copy (`If-None-Match`) is current."
            ),
            **problem_responses(401, 404, 503),
        },
    )
    async def download(
        self,
        file_id: FileIdPath,
        request: Request[Any, Any, Any],
        optional_principal: NamedDependency[Principal | None],
        alora: NamedDependency[Alora],
        settings: NamedDependency[Settings],
    ) -> Response[Any]:
        found = await alora.bus.handle(
            c.DownloadFile(
                file_id=path_id(file_id, "file"),
                viewer=viewer_of(optional_principal),
                cached=entity_tags(request.headers.get("if-none-match")),
            )
        )
        file = found.file
        headers = _caching_headers(file, settings)
        if found.content is None:
            return Response(None, status_code=HTTP_304_NOT_MODIFIED, headers=headers)
        return Stream(
            _streamed(found.content),
            media_type=file.content_type,
            headers={
                **headers,
                "Content-Length": str(file.size),
                "Content-Disposition": content_disposition(file),
                "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            },
        )

    @get(
        "/{file_id:str}/meta",
        summary="A file's metadata",
        description="Who may download the file may read its metadata.",
        security=[{}, *BEARER_SECURITY],
        responses=problem_responses(401, 404),
    )
    async def metadata(
        self,
        file_id: FileIdPath,
        optional_principal: NamedDependency[Principal | None],
        alora: NamedDependency[Alora],
    ) -> FileResponse:
        file = await alora.bus.handle(
            c.GetFile(file_id=path_id(file_id, "file"), viewer=viewer_of(optional_principal))
        )
        return FileResponse.of(file)

    @put(
        "/{file_id:str}",
        summary="Replace a file's content",
        description="The same form and checks as an upload; by the owner or an administrator "
        "(anyone else: 404). The id stays; the content, its type and the ETag change. Without "
        "`public` the visibility stays; the name stays unless the new part names a file. An "
        "administrator's change to someone else's file is audited. 409 when concurrent "
        "changes kept winning; try again.",
        security=BEARER_SECURITY,
        request_max_body_size=UPLOAD_BODY_CEILING,
        operation_class=_UploadOperation,
        responses=problem_responses(*_UPLOAD_ERRORS, 404, 409),
        opt=raises(FileTooLarge, UnsupportedFileType),
    )
    async def replace(
        self,
        file_id: FileIdPath,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        settings: NamedDependency[Settings],
    ) -> FileResponse:
        target = path_id(file_id, "file")
        form: UploadForm = await read_upload(request, settings.of(FilesSettings).file_max_bytes)
        try:
            file = await alora.bus.handle(
                c.ReplaceFile(
                    file_id=target,
                    actor=actor,
                    content=form.content,
                    filename=form.filename,
                    public=form.public,
                )
            )
        finally:
            await form.aclose()
        return FileResponse.of(file)

    @delete(
        "/{file_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a file",
        description="By the owner or an administrator (anyone else: 404); an administrator's "
        "deletion of someone else's file is audited. 409 when concurrent changes kept "
        "winning; try again.",
        security=BEARER_SECURITY,
        responses=problem_responses(401, 403, 404, 409, 503),
    )
    async def delete_file(
        self,
        file_id: FileIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> None:
        await alora.bus.handle(
            c.DeleteFile(
                file_id=path_id(file_id, "file"),
                actor=actor,
            )
        )


def _url(file: StoredFile) -> str:
    return f"/api/v1/files/{file.id}"


# --- download headers ----------------------------------------------------------------------------


def entity_tags(header: str | None) -> frozenset[str]:
    """The sha256 values an ``If-None-Match`` names (weak or strong tags alike), or ``*``."""
    if not header:
        return frozenset()
    tags: set[str] = set()
    for part in header.split(","):
        tag = part.strip().removeprefix("W/")
        if tag == "*":
            tags.add("*")
        elif len(tag) >= 2 and tag[0] == tag[-1] == '"':
            tags.add(tag[1:-1])
    return frozenset(tags)


def _caching_headers(file: StoredFile, settings: Settings) -> dict[str, str]:
    seconds = settings.of(FilesSettings).file_cache_seconds
    cache = f"public, max-age={seconds}" if file.public else "private, no-cache"
    return {"ETag": f'"{file.sha256}"', "Cache-Control": cache}


def content_disposition(file: StoredFile) -> str:
    """Inline for images, attachment for the rest, with the name in plain ASCII for old
    clients and in UTF-8 (RFC 6266 / 8187) for the others."""
    kind = "inline" if file.is_image else "attachment"
    ascii_name = (
        unicodedata.normalize("NFKD", file.filename).encode("ascii", "ignore").decode().strip()
    )
    ascii_name = "".join(ch if ch.isprintable() and ch not in '"\\' else "_" for ch in ascii_name)
    if not ascii_name or ascii_name.startswith("."):
        ascii_name = "file" + ascii_name
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file.filename, safe='')}"


async def _streamed(content: Content) -> AsyncGenerator[bytes, None]:
    """The content's chunks; it is closed at the end, and when the client goes away."""
    try:
        async for chunk in content:
            yield chunk
    finally:
        with CancelScope(shield=True):
            await content.aclose()
