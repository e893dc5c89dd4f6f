"""The ``FileStorage`` contract: what every storage of files' bytes promises, run against the
in-memory storage, a local folder and an S3 bucket on moto's S3 server (a real HTTP server on a
free port, so boto3 goes over the wire); then what each real storage adds (file modes,
readiness, failures).

The use cases rely on these promises: puts are all or nothing and never visible half-done,
reads stream, deletes are idempotent, a missing key is ``ContentMissing``, and deleting an
owner's contents removes theirs and nobody else's.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import stat
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from attrs import define
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer

from adapters.storage.local import LocalFileStorage
from adapters.storage.memory import MemoryFileStorage
from adapters.storage.s3 import S3FileStorage
from alora_core.shared.storage import ContentMissing, FileStorage, StorageUnavailable
from support.processes import free_port

KEY = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c.8f3a"
OTHER_KEY = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d.77b1"
OWNER = uuid.UUID(KEY.split("/")[0])
"""The owner of ``KEY`` and ``OTHER_KEY``."""
NEIGHBOUR = uuid.UUID("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5e")
"""Another owner, whose id differs from ``OWNER``'s in the last character only."""


@define
class StorageUnderTest:
    storage: FileStorage
    leftovers: Callable[[], Awaitable[list[str]]]
    """What an unfinished put may have left behind (temporary files, open multipart uploads)."""
    large: int
    """A size that takes the storage's path for large contents (an S3 multipart upload)."""


class Refused(Exception):
    """Raised by a test's chunks in the middle of a put."""


async def chunks_of(data: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        await asyncio.sleep(0)
        yield data[start : start + size]


async def failing_after(data: bytes, error: BaseException) -> AsyncIterator[bytes]:
    async for chunk in chunks_of(data):
        yield chunk
    raise error


async def read_all(storage: FileStorage, key: str) -> bytes:
    content = await storage.open(key)
    try:
        return b"".join([chunk async for chunk in content])
    finally:
        await content.aclose()


CREDENTIALS = {"access_key_id": "testing", "secret_access_key": "testing"}
REGION = "us-east-1"
S3_PART_BYTES = 5 * 1024 * 1024  # the smallest part S3 (and moto) accepts


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server, on a free port for the whole session."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def s3(s3_endpoint: str) -> Any:
    """A boto3 client of its own, to look at the bucket from outside the storage."""
    return boto3.session.Session().client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"alora-files-{secrets.token_hex(6)}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture(params=["memory", "local", "s3"])
async def subject(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Any]:
    if request.param == "memory":

        async def nothing() -> list[str]:
            return []

        yield StorageUnderTest(MemoryFileStorage(), nothing, large=2 * 1024 * 1024)
    elif request.param == "local":
        root = tmp_path / "files"

        async def temporary_files() -> list[str]:
            return [str(p) for p in root.rglob("*") if p.is_file() and p.suffix == ".part"]

        yield StorageUnderTest(LocalFileStorage(root), temporary_files, large=3 * 1024 * 1024)
    else:
        endpoint = request.getfixturevalue("s3_endpoint")
        name = request.getfixturevalue("bucket")
        client = request.getfixturevalue("s3")

        async def open_uploads() -> list[str]:
            found = await asyncio.to_thread(client.list_multipart_uploads, Bucket=name)
            return [upload["Key"] for upload in found.get("Uploads", [])]

        storage = S3FileStorage(
            name, endpoint_url=endpoint, region=REGION, part_bytes=S3_PART_BYTES, **CREDENTIALS
        )
        yield StorageUnderTest(storage, open_uploads, large=S3_PART_BYTES + 300 * 1024)


# --- put and open --------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 1000, 64 * 1024, 300 * 1024 + 7])
async def test_what_is_put_reads_back_the_same(subject: StorageUnderTest, size: int) -> None:
    data = os.urandom(size)
    await subject.storage.put(KEY, chunks_of(data, 10_000), "image/png")
    assert await read_all(subject.storage, KEY) == data


async def test_a_large_content_streams_in_and_out(subject: StorageUnderTest) -> None:
    data = os.urandom(subject.large)
    await subject.storage.put(KEY, chunks_of(data), "application/pdf")
    content = await subject.storage.open(KEY)
    digest, chunks = hashlib.sha256(), 0
    async for chunk in content:
        digest.update(chunk)
        chunks += 1
    await content.aclose()
    assert digest.hexdigest() == hashlib.sha256(data).hexdigest()
    assert chunks > 1  # streamed, not one block
    assert await subject.leftovers() == []


async def test_keys_are_independent(subject: StorageUnderTest) -> None:
    await subject.storage.put(KEY, chunks_of(b"first"), "image/gif")
    await subject.storage.put(OTHER_KEY, chunks_of(b"second"), "image/gif")
    assert await read_all(subject.storage, KEY) == b"first"
    assert await read_all(subject.storage, OTHER_KEY) == b"second"
    await subject.storage.delete(KEY)
    assert await read_all(subject.storage, OTHER_KEY) == b"second"


async def test_a_missing_key_is_content_missing(subject: StorageUnderTest) -> None:
    with pytest.raises(ContentMissing):
        await subject.storage.open(KEY)
    assert await subject.storage.exists(KEY) is False


async def test_exists_follows_put_and_delete(subject: StorageUnderTest) -> None:
    assert await subject.storage.exists(KEY) is False
    await subject.storage.put(KEY, chunks_of(b"x" * 10), "image/png")
    assert await subject.storage.exists(KEY) is True
    await subject.storage.delete(KEY)
    assert await subject.storage.exists(KEY) is False
    with pytest.raises(ContentMissing):
        await subject.storage.open(KEY)


async def test_deleting_a_missing_key_is_harmless(subject: StorageUnderTest) -> None:
    await subject.storage.delete(KEY)
    await subject.storage.put(KEY, chunks_of(b"x"), "image/png")
    await subject.storage.delete(KEY)
    await subject.storage.delete(KEY)
    assert await subject.storage.exists(KEY) is False


async def test_a_content_may_be_closed_early_and_twice(subject: StorageUnderTest) -> None:
    data = os.urandom(512 * 1024)
    await subject.storage.put(KEY, chunks_of(data), "image/png")
    content = await subject.storage.open(KEY)
    first = await anext(content)
    assert data.startswith(first)
    await content.aclose()
    await content.aclose()
    assert [chunk async for chunk in content] == []
    assert await read_all(subject.storage, KEY) == data  # the stored content is untouched


async def test_many_readers_at_once(subject: StorageUnderTest) -> None:
    data = os.urandom(200 * 1024)
    await subject.storage.put(KEY, chunks_of(data), "image/webp")
    reads = await asyncio.gather(*(read_all(subject.storage, KEY) for _ in range(8)))
    assert all(read == data for read in reads)


# --- all or nothing ------------------------------------------------------------------------------


async def test_a_put_is_invisible_until_it_is_complete(subject: StorageUnderTest) -> None:
    seen: list[bool] = []

    async def watched() -> AsyncIterator[bytes]:
        async for chunk in chunks_of(os.urandom(subject.large)):
            yield chunk
            seen.append(await subject.storage.exists(KEY))

    await subject.storage.put(KEY, watched(), "image/png")
    assert seen and not any(seen)
    assert await subject.storage.exists(KEY)


@pytest.mark.parametrize("large", [False, True], ids=["small", "large"])
async def test_a_put_whose_chunks_fail_leaves_nothing(
    subject: StorageUnderTest, large: bool
) -> None:
    data = os.urandom(subject.large if large else 100_000)
    with pytest.raises(Refused):
        await subject.storage.put(KEY, failing_after(data, Refused()), "image/png")
    assert await subject.storage.exists(KEY) is False
    with pytest.raises(ContentMissing):
        await subject.storage.open(KEY)
    assert await subject.leftovers() == []


async def test_a_cancelled_put_leaves_nothing(subject: StorageUnderTest) -> None:
    started = asyncio.Event()

    async def endless() -> AsyncIterator[bytes]:
        while True:
            started.set()
            await asyncio.sleep(0.001)
            yield b"x" * 100_000

    task = asyncio.create_task(subject.storage.put(KEY, endless(), "image/png"))
    await started.wait()
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await subject.storage.exists(KEY) is False
    for _ in range(100):  # cleanup may finish on a worker thread just after
        if not await subject.leftovers():
            break
        await asyncio.sleep(0.02)
    assert await subject.leftovers() == []


async def test_a_failed_put_keeps_other_keys(subject: StorageUnderTest) -> None:
    await subject.storage.put(OTHER_KEY, chunks_of(b"kept"), "image/png")
    with pytest.raises(Refused):
        await subject.storage.put(KEY, failing_after(b"lost", Refused()), "image/png")
    assert await read_all(subject.storage, OTHER_KEY) == b"kept"


# --- deleting an owner's contents -----------------------------------------------------------------


def owned_key(owner: uuid.UUID, number: int) -> str:
    return f"{owner}/0190a1b2-c3d4-7e5f-8a9b-{number:012x}.{number:04x}"


async def test_deleting_an_owners_contents_removes_theirs_only(subject: StorageUnderTest) -> None:
    storage = subject.storage
    nested = f"{OWNER}/nested/deeper.1"
    for key in (KEY, OTHER_KEY, nested):
        await storage.put(key, chunks_of(b"mine"), "image/png")
    kept = [owned_key(NEIGHBOUR, 1), f"{NEIGHBOUR}/{OWNER}.1", f"{OWNER}x/y.1"]
    for key in kept:
        await storage.put(key, chunks_of(key.encode()), "image/png")
    assert await storage.delete_owned(OWNER) == 3
    for key in (KEY, OTHER_KEY, nested):
        assert await storage.exists(key) is False
        with pytest.raises(ContentMissing):
            await storage.open(key)
    for key in kept:
        assert await read_all(storage, key) == key.encode()


async def test_deleting_an_owners_contents_is_idempotent(subject: StorageUnderTest) -> None:
    storage = subject.storage
    assert await storage.delete_owned(OWNER) == 0  # nothing was ever stored
    await storage.put(KEY, chunks_of(b"x"), "image/png")
    assert await storage.delete_owned(OWNER) == 1
    assert await storage.delete_owned(OWNER) == 0
    await storage.delete(KEY)  # a key deleted with its owner's contents is gone for good


async def test_deleting_many_contents_of_an_owner_counts_them(subject: StorageUnderTest) -> None:
    storage = subject.storage
    keys = [owned_key(OWNER, number) for number in range(25)]
    await asyncio.gather(*(storage.put(key, chunks_of(b"x"), "image/png") for key in keys))
    await storage.put(owned_key(NEIGHBOUR, 0), chunks_of(b"kept"), "image/png")
    assert await storage.delete_owned(OWNER) == len(keys)
    assert not any(await asyncio.gather(*(storage.exists(key) for key in keys)))
    assert await read_all(storage, owned_key(NEIGHBOUR, 0)) == b"kept"


async def test_an_owner_may_store_again_after_their_contents_are_deleted(
    subject: StorageUnderTest,
) -> None:
    await subject.storage.put(KEY, chunks_of(b"before"), "image/png")
    await subject.storage.delete_owned(OWNER)
    await subject.storage.put(OTHER_KEY, chunks_of(b"after"), "image/png")
    assert await read_all(subject.storage, OTHER_KEY) == b"after"
    assert await subject.storage.exists(KEY) is False


# --- keys ---------------------------------------------------------------------------------------


BAD_KEYS = [
    "",
    "/abs/path",
    "../escape",
    "a/../b",
    "a//b",
    ".hidden",
    "a/.hidden",
    "a b",
    "a\\b",
    "é",
]


async def test_keys_the_files_context_never_makes_are_refused(subject: StorageUnderTest) -> None:
    for key in BAD_KEYS:
        with pytest.raises(ValueError, match="not a storage key"):
            await subject.storage.put(key, chunks_of(b"x"), "image/png")
        with pytest.raises(ValueError, match="not a storage key"):
            await subject.storage.open(key)


# --- local folder -------------------------------------------------------------------------------


async def test_local_files_sit_under_the_root_by_key(tmp_path: Path) -> None:
    storage = LocalFileStorage(tmp_path / "files")
    await storage.put(KEY, chunks_of(b"%PDF-1.7"), "application/pdf")
    path = tmp_path / "files" / Path(*KEY.split("/"))
    assert path.read_bytes() == b"%PDF-1.7"
    assert stat.S_IMODE(path.stat().st_mode) & 0o007 == 0  # nothing for other users
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


async def test_local_readiness_makes_the_folder_and_fails_where_it_cannot_write(
    tmp_path: Path,
) -> None:
    storage = LocalFileStorage(tmp_path / "new" / "files")
    await storage.check()
    assert (tmp_path / "new" / "files").is_dir()
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    with pytest.raises(FileExistsError):
        await LocalFileStorage(blocked).check()


async def test_a_local_folder_that_cannot_be_written_is_unavailable(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    storage = LocalFileStorage(blocked)
    with pytest.raises(StorageUnavailable):
        await storage.put(KEY, chunks_of(b"x"), "image/png")
    assert await storage.exists(KEY) is False
    with pytest.raises(StorageUnavailable):
        await storage.delete_owned(OWNER)


async def test_a_local_read_keeps_its_content_when_the_key_is_deleted(tmp_path: Path) -> None:
    storage = LocalFileStorage(tmp_path / "files")
    data = os.urandom(300 * 1024)
    await storage.put(KEY, chunks_of(data), "image/png")
    content = await storage.open(KEY)
    first = await anext(content)
    await storage.delete(KEY)
    rest = b"".join([chunk async for chunk in content])
    assert first + rest == data


async def test_deleting_a_local_owner_removes_temporary_files_and_the_folder(
    tmp_path: Path,
) -> None:
    root = tmp_path / "files"
    storage = LocalFileStorage(root)
    await storage.put(KEY, chunks_of(b"x"), "image/png")
    await storage.put(owned_key(NEIGHBOUR, 1), chunks_of(b"kept"), "image/png")
    folder = root / str(OWNER)
    (folder / f".{KEY.split('/')[1]}.0123456789abcdef.part").write_bytes(b"left by a crash")
    (folder / "empty").mkdir()
    assert await storage.delete_owned(OWNER) == 1  # temporary files are not counted
    assert not folder.exists()
    assert sorted(p.name for p in root.iterdir()) == [str(NEIGHBOUR)]


async def test_deleting_a_local_owner_never_follows_links(tmp_path: Path) -> None:
    root = tmp_path / "files"
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "file").write_bytes(b"not the storage's")
    (outside / "folder" / "inner").write_bytes(b"not the storage's either")
    storage = LocalFileStorage(root)
    await storage.put(KEY, chunks_of(b"x"), "image/png")
    folder = root / str(OWNER)
    (folder / "to-file").symlink_to(outside / "file")
    (folder / "to-folder").symlink_to(outside / "folder", target_is_directory=True)
    (folder / "nested").mkdir()
    (folder / "nested" / "to-folder").symlink_to(outside / "folder", target_is_directory=True)
    assert await storage.delete_owned(OWNER) == 4  # the content and the three links
    assert not folder.exists()
    # The owner's folder itself a link: the link goes, what it points to stays.
    (root / str(NEIGHBOUR)).symlink_to(outside, target_is_directory=True)
    assert await storage.delete_owned(NEIGHBOUR) == 0
    assert not (root / str(NEIGHBOUR)).is_symlink()
    assert (outside / "file").read_bytes() == b"not the storage's"
    assert (outside / "folder" / "inner").read_bytes() == b"not the storage's either"


# --- S3 -----------------------------------------------------------------------------------------


async def test_s3_objects_carry_their_content_type(s3_endpoint: str, s3: Any, bucket: str) -> None:
    storage = S3FileStorage(bucket, endpoint_url=s3_endpoint, region=REGION, **CREDENTIALS)
    await storage.put(KEY, chunks_of(b"GIF89a"), "image/gif")
    head = s3.head_object(Bucket=bucket, Key=KEY)
    assert head["ContentType"] == "image/gif"
    assert head["ContentLength"] == 6


async def test_a_large_s3_put_is_a_multipart_upload(s3_endpoint: str, s3: Any, bucket: str) -> None:
    storage = S3FileStorage(
        bucket, endpoint_url=s3_endpoint, region=REGION, part_bytes=S3_PART_BYTES, **CREDENTIALS
    )
    data = os.urandom(2 * S3_PART_BYTES + 1)
    await storage.put(KEY, chunks_of(data, 1024 * 1024), "application/pdf")
    head = s3.head_object(Bucket=bucket, Key=KEY)
    assert head["ETag"].strip('"').endswith("-3")  # S3 names multipart objects by part count
    assert head["ContentType"] == "application/pdf"
    assert await read_all(storage, KEY) == data


async def test_s3_readiness_needs_the_bucket(s3_endpoint: str, bucket: str) -> None:
    await S3FileStorage(bucket, endpoint_url=s3_endpoint, region=REGION, **CREDENTIALS).check()
    missing = S3FileStorage(
        "no-such-bucket", endpoint_url=s3_endpoint, region=REGION, **CREDENTIALS
    )
    with pytest.raises(ClientError, match="404"):
        await missing.check()


async def test_deleting_an_s3_owner_aborts_their_open_uploads(
    s3_endpoint: str, s3: Any, bucket: str
) -> None:
    storage = S3FileStorage(bucket, endpoint_url=s3_endpoint, region=REGION, **CREDENTIALS)
    s3.create_multipart_upload(Bucket=bucket, Key=KEY)
    theirs = s3.create_multipart_upload(Bucket=bucket, Key=owned_key(NEIGHBOUR, 1))["UploadId"]
    assert await storage.delete_owned(OWNER) == 0  # an unfinished upload is no content
    uploads = s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    assert [upload["UploadId"] for upload in uploads] == [theirs]


async def test_s3_lists_and_deletes_an_owner_in_batches(
    s3_endpoint: str, s3: Any, bucket: str
) -> None:
    client = boto3.session.Session().client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    calls: list[tuple[str, int]] = []

    def record(params: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name == "DeleteObjects":
            calls.append((model.name, len(params["Delete"]["Objects"])))
        elif model.name == "ListObjectsV2":
            calls.append((model.name, params.get("MaxKeys", 0)))

    client.meta.events.register("provide-client-params.s3.*", record)
    storage = S3FileStorage(bucket, delete_batch=3, client=client)
    keys = [owned_key(OWNER, number) for number in range(7)]
    for key in [*keys, owned_key(NEIGHBOUR, 1)]:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    assert await storage.delete_owned(OWNER) == 7
    deletes = [size for name, size in calls if name == "DeleteObjects"]
    pages = [size for name, size in calls if name == "ListObjectsV2"]
    assert deletes == [3, 3, 1]
    assert pages == [3, 3, 3]  # pages of 3 keys: 3, 3 and the last 1
    listed = s3.list_objects_v2(Bucket=bucket)
    assert [found["Key"] for found in listed["Contents"]] == [owned_key(NEIGHBOUR, 1)]


class FakeS3:
    """Just enough of a boto3 S3 client for ``delete_owned``: ``keys`` listed a page at a time
    (S3's 1000 at most), ``DeleteObjects`` recorded; ``refused`` keys fail to delete."""

    def __init__(self, keys: list[str], refused: frozenset[str] = frozenset()) -> None:
        self.keys = keys
        self.refused = refused
        self.batches: list[list[str]] = []

    def get_paginator(self, operation: str) -> Any:
        return self

    def paginate(self, *, Bucket: str, Prefix: str, PaginationConfig: dict[str, int]) -> Any:
        size = min(PaginationConfig["PageSize"], 1000)
        owned = [key for key in self.keys if key.startswith(Prefix)]
        for start in range(0, len(owned), size):
            yield {"Contents": [{"Key": key} for key in owned[start : start + size]]}

    def delete_objects(self, *, Bucket: str, Delete: dict[str, Any]) -> dict[str, Any]:
        batch = [found["Key"] for found in Delete["Objects"]]
        assert len(batch) <= 1000
        self.batches.append(batch)
        errors = [{"Key": key, "Code": "AccessDenied"} for key in batch if key in self.refused]
        return {"Errors": errors} if errors else {}


async def test_s3_deletes_more_than_a_thousand_objects_in_batches_of_a_thousand() -> None:
    keys = [owned_key(OWNER, number) for number in range(2500)]
    fake = FakeS3([*keys, owned_key(NEIGHBOUR, 1)])
    storage = S3FileStorage("files", client=fake)
    assert await storage.delete_owned(OWNER) == 2500
    assert [len(batch) for batch in fake.batches] == [1000, 1000, 500]
    assert [key for batch in fake.batches for key in batch] == keys


async def test_an_s3_object_that_is_not_deleted_fails_the_deletion() -> None:
    keys = [owned_key(OWNER, number) for number in range(3)]
    storage = S3FileStorage("files", client=FakeS3(keys, refused=frozenset(keys[1:2])))
    with pytest.raises(StorageUnavailable):
        await storage.delete_owned(OWNER)


async def test_an_unreachable_s3_is_unavailable() -> None:
    storage = S3FileStorage(
        "files", endpoint_url=f"http://127.0.0.1:{free_port()}", region=REGION, **CREDENTIALS
    )
    with pytest.raises(StorageUnavailable):
        await storage.put(KEY, chunks_of(b"x"), "image/png")
    with pytest.raises(StorageUnavailable):
        await storage.open(KEY)
    with pytest.raises(StorageUnavailable):
        await storage.exists(KEY)
    with pytest.raises(StorageUnavailable):
        await storage.delete_owned(OWNER)
