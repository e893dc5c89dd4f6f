"""The ``FileStorage`` contract: what every storage of files' bytes promises.

Runs against the in-memory storage, the local folder and an S3 bucket (moto's S3 server):
``tests/integration/test_storage_contract.py`` provides the ``subject`` fixture, a
``StorageUnderTest``. The use cases rely on these promises: puts are all or nothing and never
visible half-done, reads stream, deletes are idempotent, a missing key is ``ContentMissing``,
and deleting an owner's contents removes theirs and nobody else's.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from attrs import define

from alora_core.shared.storage import ContentMissing
from alora_core.shared.storage import FileStorage

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
