"""Files over HTTP, on the in-memory wiring: streaming uploads (the type recognized from the
bytes), downloads with their caching headers, replacing and deleting; bad forms, the size
limit, permissions and IDOR on every route.

``ana`` (a customer) owns the files; ``bob`` (another customer) and ``olaf`` (a professional)
are strangers to them. The use cases themselves are covered by ``test_use_cases``.
"""

from __future__ import annotations

import hashlib
import struct
import uuid
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from attrs import define
from litestar.testing import AsyncTestClient

from adapters.memory.hasher import FastPasswordHasher
from adapters.memory.store import MemoryStore
from adapters.storage.memory import MemoryFileStorage
from alora_core.files.use_cases import DEFAULT_MAX_BYTES
from alora_core.shared.clock import FixedClock
from entrypoints import bootstrap
from entrypoints.http.app import create_app
from support.http import BASE_URL, UNKNOWN_ID, Api, assert_problem, bearer, make_settings

BASE = "/api/v1/files"
FILE_KEYS = {"id", "ownerId", "contentType", "size", "sha256", "filename", "public", "url"}
FILE_KEYS |= {"createdAt", "updatedAt"}


def png() -> bytes:
    """A real 1x1 red PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    ihdr, idat = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0), zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def jpeg() -> bytes:
    """A real 1x1 grey baseline JPEG: one-code Huffman tables, a DC of 0 and an end of block."""
    return (
        b"\xff\xd8"
        + _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + _segment(0xDB, b"\x00" + b"\x01" * 64)
        + _segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00")
        + _segment(0xC4, b"\x00\x01" + b"\x00" * 15 + b"\x00")
        + _segment(0xC4, b"\x10\x01" + b"\x00" * 15 + b"\x00")
        + _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x3f\xff\xd9"
    )


PNG = png()
JPEG = jpeg()
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
TEXT = b"just some words, not a picture\n"
FORM_TYPE = "multipart/form-data; boundary=alora-b0undary"
Part = tuple[str, bytes, str | None, str | None]  # name, value, file name, declared type


def form(*parts: Part, boundary: str = "alora-b0undary") -> tuple[bytes, dict[str, str]]:
    """A ``multipart/form-data`` body of ``parts`` in order, and its Content-Type header."""
    body = b""
    for name, value, filename, content_type in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
        if content_type:
            head += f"Content-Type: {content_type}\r\n"
        body += head.encode() + b"\r\n" + value + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, {"Content-Type": FORM_TYPE.replace("alora-b0undary", boundary)}


def file_part(data: bytes, name: str = "kitchen.png", declared: str = "image/png") -> Part:
    return ("file", data, name, declared)


def public_part(value: str = "true") -> Part:
    return ("public", value.encode(), None, None)


@define
class User:
    id: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)


@define
class Files:
    api: Api
    storage: MemoryFileStorage
    store: MemoryStore
    ana: User
    bob: User
    olaf: User
    admin: User

    @property
    def client(self) -> AsyncTestClient[Any]:
        return self.api.client

    def contents(self) -> list[bytes]:
        """The stored bytes; every one is named by a file's metadata and the other way round."""
        keys = {file.storage_key for file in self.store.rows("files").values()}
        assert keys == set(self.storage.objects), "bytes and metadata disagree"
        return [content for content, _ in self.storage.objects.values()]

    async def send(
        self, method: str, user: User | None, path: str = "", *parts: Part, **kwargs: Any
    ) -> httpx.Response:
        headers = {} if user is None else user.headers
        if parts:
            content, form_headers = form(*parts)
            kwargs["content"] = content
            headers = {**headers, **form_headers}
        headers = {**headers, **kwargs.pop("headers", {})}
        return await self.client.request(method, BASE + path, headers=headers, **kwargs)

    async def upload(self, user: User | None, *parts: Part, **kwargs: Any) -> httpx.Response:
        return await self.send("POST", user, "", *parts, **kwargs)

    async def uploaded(
        self, data: bytes = PNG, name: str = "kitchen.png", public: bool = False
    ) -> dict[str, Any]:
        parts = [public_part("true")] if public else []
        response = await self.upload(self.ana, *parts, file_part(data, name))
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body


async def open_files(tmp_path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> AsyncIterator[Files]:
    """An in-memory app whose file limit is ``max_bytes`` in both Alora's settings and the
    app's, with its cast signed in."""
    clock = FixedClock()
    storage, store = MemoryFileStorage(), bootstrap.memory_store()
    limit = {"ALORA_FILE_MAX_BYTES": str(max_bytes)}
    alora = bootstrap.build_in_memory(
        clock=clock, hasher=FastPasswordHasher(), storage=storage, store=store, environ=limit
    )
    settings = make_settings(tmp_path, **limit)
    async with AsyncTestClient(create_app(settings, alora=alora), base_url=BASE_URL) as client:
        api = Api(client=client, alora=alora, clock=clock, settings=settings)
        users = {}
        for name, role in [("ana", "customer"), ("bob", "customer"), ("olaf", "professional")]:
            user, token = await api.user(name, role=role)
            users[name] = User(user["id"], token)
        admin_id, admin_token = await api.admin()
        yield Files(api, storage, store, **users, admin=User(admin_id, admin_token))


@pytest.fixture
async def files(tmp_path: Path) -> AsyncIterator[Files]:
    async for value in open_files(tmp_path):
        yield value


# --- uploading ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "content_type", "filename"),
    [
        (PNG, "kitchen.png", "image/png", "kitchen.png"),
        (JPEG, "Holiday Photo.JPEG", "image/jpeg", "Holiday Photo.jpeg"),
        (PDF, "../../etc/Quote 2030.pdf", "application/pdf", "Quote 2030.pdf"),
    ],
)
async def test_an_upload_is_201_with_its_metadata(
    files: Files, data: bytes, name: str, content_type: str, filename: str
) -> None:
    response = await files.upload(files.ana, file_part(data, name, "application/octet-stream"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == FILE_KEYS
    assert (body["ownerId"], body["contentType"], body["size"], body["filename"]) == (
        files.ana.id, content_type, len(data), filename
    )  # fmt: skip
    assert (body["sha256"], body["public"]) == (hashlib.sha256(data).hexdigest(), False)
    assert body["url"] == response.headers["location"] == f"{BASE}/{uuid.UUID(body['id'])}"
    assert body["createdAt"] == body["updatedAt"]
    assert files.contents() == [data]


async def test_the_type_comes_from_the_bytes_not_the_name_or_declared_type(files: Files) -> None:
    body = await files.uploaded(PNG, "x.pdf")
    assert (body["contentType"], body["filename"]) == ("image/png", "x.png")
    pretender = await files.upload(files.ana, file_part(TEXT, "a.png", "image/png"))
    problem = assert_problem(pretender, 415)
    assert "recognized from the content" in problem["detail"]
    assert len(files.contents()) == 1


async def test_the_public_field_makes_a_file_public(files: Files) -> None:
    for value, public in [("true", True), ("on", True), ("0", False), ("False", False)]:
        response = await files.upload(files.ana, public_part(value), file_part(PNG))
        assert (response.status_code, response.json()["public"]) == (201, public)


@pytest.mark.parametrize(
    ("parts", "status", "field"),
    [
        ([file_part(b"")], 422, "file"), ([public_part()], 422, "file"),
        ([public_part("maybe"), file_part(PNG)], 422, "public"),
        ([public_part("x" * 17), file_part(PNG)], 422, "public"),
        ([public_part(), public_part(), file_part(PNG)], 422, "public"),
        ([("owner", b"bob", None, None), file_part(PNG)], 422, "owner"),
        ([file_part(PNG), public_part()], 422, "public"),
        ([file_part(PNG), file_part(PNG)], 422, "file"), ([file_part(TEXT, "a.png")], 415, None),
        ([file_part(b"\x00" * 64, "zeros.pdf", "application/pdf")], 415, None),
    ],
)  # fmt: skip
async def test_a_bad_form_is_refused_and_nothing_is_kept(
    files: Files, parts: list[Part], status: int, field: str | None
) -> None:
    assert_problem(await files.upload(files.ana, *parts), status, field)
    assert files.contents() == []


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b'{"file": "iVBORw0KGgo="}', "application/json", 415), (PNG, "image/png", 415),
        (b"file=x", "application/x-www-form-urlencoded", 415), (PNG, None, 415),
        (form(file_part(PNG))[0], "multipart/form-data", 400),
        (form(file_part(PNG))[0], "multipart/form-data; boundary=", 400),
        (form(file_part(PNG))[0], "multipart/form-data; boundary=other", 400),
        (form(file_part(PNG))[0][:-20], FORM_TYPE, 400), (b"garbage", FORM_TYPE, 400),
        (b"", FORM_TYPE, 400), (form()[0], FORM_TYPE, 422),
    ],
)  # fmt: skip
async def test_a_body_that_is_no_form_is_refused(
    files: Files, content: bytes, content_type: str | None, status: int
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = await files.upload(files.ana, content=content, headers=headers)
    assert_problem(response, status)
    assert files.contents() == []


async def test_uploading_needs_a_valid_token(files: Files) -> None:
    for headers in ({}, {"Authorization": "Bearer a.b.c"}, {"Cookie": "alora_access=x"}):
        assert_problem(await files.upload(None, file_part(PNG), headers=headers), 401)
    assert files.contents() == []


async def test_the_size_limit_is_413_on_upload_and_replace(tmp_path: Path) -> None:
    async for files in open_files(tmp_path, max_bytes=1024):
        exact = PNG + b"\x00" * (1024 - len(PNG))
        response = await files.upload(files.ana, file_part(exact))
        assert response.status_code == 201, response.text
        file_id = response.json()["id"]
        problem = assert_problem(await files.upload(files.ana, file_part(exact + b"\x00")), 413)
        assert "1 KiB" in problem["detail"]
        replaced = await files.send("PUT", files.ana, f"/{file_id}", file_part(exact + b"\x00"))
        assert_problem(replaced, 413)
        huge = PNG + b"\x00" * (200 * 1024)  # beyond the form's allowance: cut off while read
        assert_problem(await files.upload(files.ana, file_part(huge)), 413)
        content, headers = form(file_part(PNG))
        announced = {**headers, "Content-Length": str(10**12)}  # refused before it is read
        assert_problem(await files.upload(files.ana, content=content, headers=announced), 413)
        assert files.contents() == [exact]
        download = await files.send("GET", files.ana, f"/{file_id}")
        assert download.content == exact


@pytest.mark.parametrize(
    ("name", "kept", "ascii_name"),
    [
        ("", "file.png", "file.png"), ("日本.png", "日本.png", "file.png"),
        ("\x00\x07X-Evil:\t1\u202egnp.exe", "X-Evil_1gnp.png", "X-Evil_1gnp.png"),
        ("C:\\Users\\ana\\..\\.secret", "secret.png", "secret.png"),
        ("a;b,c%d.png", "a_b_c_d.png", "a_b_c_d.png"),
        ("x" * 300, "x" * 116 + ".png", "x" * 116 + ".png"),
    ],
)  # fmt: skip
async def test_odd_file_names_are_cleaned_and_served_in_a_safe_header(
    files: Files, name: str, kept: str, ascii_name: str
) -> None:
    body = await files.uploaded(PNG, name)
    assert body["filename"] == kept
    response = await files.send("GET", files.ana, f"/{body['id']}")
    assert response.status_code == 200, response.text
    disposition = response.headers["content-disposition"]
    assert disposition.startswith(f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''")
    assert disposition.isascii() and "\n" not in disposition


# --- downloading -------------------------------------------------------------------------------


async def test_a_download_streams_the_bytes_with_their_headers(files: Files) -> None:
    image = await files.uploaded(PNG, "Küche.png")
    response = await files.send("GET", files.ana, f"/{image['id']}")
    assert (response.status_code, response.content) == (200, PNG)
    headers = response.headers
    assert headers["content-type"] == "image/png"
    assert headers["content-length"] == str(len(PNG))
    assert headers["etag"] == f'"{hashlib.sha256(PNG).hexdigest()}"'
    assert headers["cache-control"] == "private, no-cache"
    assert headers["content-disposition"] == (
        "inline; filename=\"Kuche.png\"; filename*=UTF-8''K%C3%BCche.png"
    )
    assert "sandbox" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"

    document = await files.uploaded(PDF, "quote.pdf", public=True)
    response = await files.send("GET", None, f"/{document['id']}")
    assert (response.status_code, response.content) == (200, PDF)
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert response.headers["content-disposition"].startswith('attachment; filename="quote.pdf"')


async def test_if_none_match_with_the_etag_is_304_without_a_body(files: Files) -> None:
    file = await files.uploaded(PNG)
    url = f"/{file['id']}"
    etag = f'"{file["sha256"]}"'
    for tags in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = await files.send("GET", files.ana, url, headers={"If-None-Match": tags})
        assert response.status_code == 304, (tags, response.text)
        assert response.content == b""
        assert response.headers["etag"] == etag
        assert response.headers["cache-control"] == "private, no-cache"
    for tags in ('"other"', file["sha256"], "W/", ",,,", '"'):
        response = await files.send("GET", files.ana, url, headers={"If-None-Match": tags})
        assert (response.status_code, response.content) == (200, PNG), tags
    for tags in (etag, "*"):  # a cached copy tells nothing about a file one may not see
        response = await files.send("GET", files.bob, url, headers={"If-None-Match": tags})
        assert_problem(response, 404)
    public = await files.uploaded(PNG, public=True)
    response = await files.send("GET", None, f"/{public['id']}", headers={"If-None-Match": etag})
    assert (response.status_code, response.content) == (304, b"")
    assert response.headers["cache-control"] == "public, max-age=3600"


async def test_the_metadata_is_read_by_who_may_download(files: Files) -> None:
    private = await files.uploaded(PNG)
    public = await files.uploaded(PDF, "menu.pdf", public=True)
    for owner_or_admin in (files.ana, files.admin):
        response = await files.send("GET", owner_or_admin, f"/{private['id']}/meta")
        assert (response.status_code, response.json()) == (200, private)
    for anyone in (None, files.bob, files.olaf):
        response = await files.send("GET", anyone, f"/{public['id']}/meta")
        assert (response.status_code, response.json()) == (200, public)
        download = await files.send("GET", anyone, f"/{public['id']}")
        assert (download.status_code, download.content) == (200, PDF)
    assert_problem(await files.send("GET", None, f"/{public['id']}", headers=bearer("x.y")), 401)


# --- replacing and deleting --------------------------------------------------------------------


async def test_the_owner_replaces_the_content_and_the_etag_changes(files: Files) -> None:
    file = await files.uploaded(PNG, "kitchen.png")
    url = f"/{file['id']}"
    old_etag = f'"{file["sha256"]}"'
    response = await files.send("PUT", files.ana, url, file_part(JPEG, "ignored.png"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["id"], body["contentType"], body["size"], body["public"]) == (
        file["id"], "image/jpeg", len(JPEG), False
    )  # fmt: skip
    assert body["filename"] == "ignored.jpg"
    assert body["sha256"] == hashlib.sha256(JPEG).hexdigest() != file["sha256"]
    download = await files.send("GET", files.ana, url, headers={"If-None-Match": old_etag})
    assert (download.status_code, download.content) == (200, JPEG)
    assert download.headers["content-type"] == "image/jpeg"
    assert download.headers["etag"] == f'"{body["sha256"]}"'

    response = await files.send("PUT", files.ana, url, public_part(), file_part(PNG, ""))
    assert response.status_code == 200, response.text
    assert (response.json()["filename"], response.json()["public"]) == ("ignored.png", True)
    assert (await files.send("GET", files.bob, url)).content == PNG
    assert files.contents() == [PNG]

    assert_problem(await files.send("PUT", files.ana, url, file_part(TEXT)), 415)
    assert_problem(await files.send("PUT", files.ana, url, file_part(b"")), 422, "file")
    assert (await files.send("GET", files.ana, f"{url}/meta")).json()["sha256"] == (
        hashlib.sha256(PNG).hexdigest()
    )


async def test_the_owner_deletes_and_the_file_is_gone(files: Files) -> None:
    file = await files.uploaded(PNG, public=True)
    url = f"/{file['id']}"
    response = await files.send("DELETE", files.ana, url)
    assert (response.status_code, response.content) == (204, b"")
    assert files.contents() == []
    for method, path in [("GET", url), ("GET", f"{url}/meta"), ("DELETE", url)]:
        assert_problem(await files.send(method, files.ana, path), 404)
    assert_problem(await files.send("PUT", files.ana, url, file_part(PNG)), 404)
    assert_problem(await files.send("GET", None, url), 404)


async def test_an_administrator_replaces_and_deletes_and_is_audited(files: Files) -> None:
    own = await files.uploaded(PNG)
    await files.send("PUT", files.ana, f"/{own['id']}", file_part(JPEG))  # the owner: no audit
    file = await files.uploaded(PNG)
    response = await files.send("PUT", files.admin, f"/{file['id']}", file_part(PDF, "a.pdf"))
    assert response.status_code == 200, response.text
    assert (response.json()["ownerId"], response.json()["contentType"]) == (
        files.ana.id, "application/pdf"
    )  # fmt: skip
    assert (await files.send("GET", files.admin, f"/{file['id']}")).content == PDF
    assert (await files.send("DELETE", files.admin, f"/{file['id']}")).status_code == 204
    assert_problem(await files.send("GET", files.ana, f"/{file['id']}"), 404)
    log = await files.client.get("/api/v1/admin/audit-log", headers=files.admin.headers)
    assert log.status_code == 200, log.text
    entries = [e for e in log.json()["items"] if e["targetType"] == "file"]
    assert sorted((e["action"], e["targetId"]) for e in entries) == [
        ("file.delete", file["id"]), ("file.replace", file["id"])
    ]  # fmt: skip


@pytest.mark.parametrize("public", [False, True])
async def test_others_get_404_and_change_nothing(files: Files, public: bool) -> None:
    file = await files.uploaded(PNG, public=public)
    url = f"/{file['id']}"
    for stranger in (files.bob, files.olaf, None):
        for path in (url, f"{url}/meta"):
            response = await files.send("GET", stranger, path)
            if public:
                assert response.status_code == 200, response.text
            else:
                assert_problem(response, 404)
        if stranger is None:
            assert_problem(await files.send("PUT", None, url, file_part(JPEG)), 401)
            assert_problem(await files.send("DELETE", None, url), 401)
            continue
        assert_problem(await files.send("PUT", stranger, url, file_part(JPEG)), 404)
        assert_problem(await files.send("PUT", stranger, url, file_part(TEXT)), 404)
        assert_problem(await files.send("DELETE", stranger, url), 404)
    assert (await files.send("GET", files.ana, f"{url}/meta")).json() == file
    assert files.contents() == [PNG]


@pytest.mark.parametrize("file_id", ["x", "-1", "0", "%F0%9F%92%A9", UNKNOWN_ID])
async def test_a_malformed_or_unknown_file_is_404(files: Files, file_id: str) -> None:
    for user in (files.ana, files.admin):
        for method, path in [("GET", ""), ("GET", "/meta"), ("DELETE", "")]:
            assert_problem(await files.send(method, user, f"/{file_id}{path}"), 404)
        assert_problem(await files.send("PUT", user, f"/{file_id}", file_part(PNG)), 404)
    assert files.contents() == []


# --- the whole surface -------------------------------------------------------------------------

ODD_BODIES: list[tuple[bytes, dict[str, Any]]] = [
    (b"", {}),
    (b'{"file": null}', {"Content-Type": "application/json"}),
    (b"\xff\xfe\x00", {"Content-Type": "multipart/form-data; boundary=\xe9".encode("latin-1")}),
    (b"x", {"Content-Type": "multipart/form-data; boundary=" + "b" * 300}),
    (b"x", {"Content-Type": "multipart/form-data; boundary=\"a b\"; charset=utf-8"}),
    (b"--a\r\n\r\n\r\n--a--\r\n", {"Content-Type": "multipart/form-data; boundary=a"}),
    (b"--a\r\nContent-Disposition: form-data\r\n\r\nx\r\n--a--\r\n",
     {"Content-Type": "multipart/form-data; boundary=a"}),
    form(*[public_part()] * 9, file_part(PNG)),
    (b"x", {"Content-Type": "multipart/form-data; boundary=a", "Content-Length": "99999999999"}),
    (b"x", {"Content-Type": "multipart/form-data; boundary=a", "Content-Length": "-1"}),
    (b"x", {"Content-Type": "multipart/form-data; boundary=a", "Content-Length": "1e3"}),
    (b"x", {"If-None-Match": b"\xff\x7f" * 300, "Content-Type": b"\xff"}),
    (b"x", {"Authorization": "Bearer " + "a" * 5000}),
]  # fmt: skip


def assert_documented(operation: dict[str, Any], response: httpx.Response, what: Any) -> None:
    assert response.status_code < 500, (what, response.status_code, response.text)
    assert str(response.status_code) in operation["responses"], (what, response.status_code)
    if response.status_code >= 400:
        assert_problem(response, response.status_code)


async def test_no_files_route_answers_500(files: Files) -> None:
    doc = (await files.client.get("/schema/openapi.json")).json()
    routes = [(m, p) for p, item in doc["paths"].items() if p.startswith(BASE) for m in item]
    assert sorted(routes) == sorted(
        [("post", BASE), ("get", f"{BASE}/{{file_id}}"), ("put", f"{BASE}/{{file_id}}"),
         ("delete", f"{BASE}/{{file_id}}"), ("get", f"{BASE}/{{file_id}}/meta")]
    )  # fmt: skip
    mine = await files.uploaded(PNG)
    public = await files.uploaded(PDF, "a.pdf", public=True)
    for method, path in sorted(routes, key=lambda route: route[0] == "delete"):
        operation = doc["paths"][path][method]
        assert operation["tags"] == ["files"] and operation.get("summary")
        assert "500" in operation["responses"]
        for file_id in ("x", "%00", str(uuid.uuid4()), public["id"], mine["id"]):
            url = path.replace("{file_id}", file_id)
            for content, headers in ODD_BODIES:
                for user in (files.bob, None, files.admin):
                    auth = {} if user is None else user.headers
                    response = await files.client.request(
                        method.upper(), url, content=content, headers={**auth, **headers}
                    )
                    assert_documented(operation, response, (method, url, content[:40], headers))
    assert files.contents() == []  # the administrator's deletions came last, and left nothing
