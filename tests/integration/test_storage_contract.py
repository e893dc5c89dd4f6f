"""The storage contract against each storage: in memory, a local folder, and an S3 bucket on
moto's S3 server (a real HTTP server on a free port, so boto3 goes over the wire); then what
each real storage adds (file modes, readiness, failures)."""

from __future__ import annotations

import asyncio
import os
import secrets
import stat
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer
from process_support import free_port

from adapters.memory.files import MemoryFileStorage
from adapters.storage.local import LocalFileStorage
from adapters.storage.s3 import S3FileStorage
from alora_core.files.errors import StorageUnavailable
from suites.storage_contract import *  # noqa: F403
from suites.storage_contract import KEY, StorageUnderTest, chunks_of, read_all

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


async def test_a_local_read_keeps_its_content_when_the_key_is_deleted(tmp_path: Path) -> None:
    storage = LocalFileStorage(tmp_path / "files")
    data = os.urandom(300 * 1024)
    await storage.put(KEY, chunks_of(data), "image/png")
    content = await storage.open(KEY)
    first = await anext(content)
    await storage.delete(KEY)
    rest = b"".join([chunk async for chunk in content])
    assert first + rest == data


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
