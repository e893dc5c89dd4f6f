"""Files' use cases, on every backend (memory, SQLite, PostgreSQL).

The ``h`` fixture composes Alora on the test's backend with a ``FixedClock``, a size limit of
``LIMIT`` and the bytes in an in-memory storage (the storages have their own contract suite,
``tests/integration/test_storage.py``); the metadata is what varies. Uploads are async
iterators of chunks, as the HTTP layer hands them over. Jobs run inline, so what follows a
deleted account (its bytes purged) has happened when the command returns.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from attrs import define

from adapters.storage.memory import MemoryFileStorage
from alora_core.files import commands as c
from alora_core.files.errors import FileTooLarge, UnsupportedFileType
from alora_core.files.events import FileDeleted, FileReplaced, FileUploaded
from alora_core.files.model import StoredFile
from alora_core.files.queries import Download
from alora_core.files.use_cases import HEAD_BYTES, purge_owner_files
from alora_core.identity.commands import DeleteUser
from alora_core.identity.model import Role
from alora_core.shared.actor import Actor
from alora_core.shared.clock import FixedClock
from alora_core.shared.commands import Command
from alora_core.shared.errors import Invalid, NotFound
from alora_core.shared.events import DomainEvent
from alora_core.shared.jobs import JobStats
from alora_core.shared.operations import ListDeadJobs, RetryDeadJob
from alora_core.shared.storage import ContentMissing, StorageUnavailable
from entrypoints.bootstrap import Alora
from support.backends import Backend, committed_events
from support.builders import add_user, audit_entries, delete_user

T = TypeVar("T")

# Small files with real signatures: what browsers and phones upload, cut to the bone.
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\x00" * 32
    + b"\xff\xd9"
)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\x00IEND\xaeB`\x82"
)
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00"
    b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
WEBP = (
    b"RIFF\x1a\x00\x00\x00WEBPVP8L\r\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88"
    b"\xfe\x07\x00"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SAMPLES = {
    "image/jpeg": JPEG,
    "image/png": PNG,
    "image/gif": GIF,
    "image/webp": WEBP,
    "application/pdf": PDF,
}
LIMIT = 64 * 1024  # the suite's size limit: small, so limits are cheap to test


async def chunks(data: bytes, size: int = 4096) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        await asyncio.sleep(0)  # let concurrent work interleave, as a network would
        yield data[start : start + size]


def sized(sample: bytes, size: int) -> bytes:
    """``sample``'s signature padded to ``size`` bytes."""
    return sample + b"\x00" * (size - len(sample))


@define
class CountingSource:
    """An upload that remembers how much of it was read."""

    data: bytes
    read: int = 0

    async def __call__(self) -> AsyncIterator[bytes]:
        async for chunk in chunks(self.data):
            self.read += len(chunk)
            yield chunk


class BrokenStorage(MemoryFileStorage):
    """Fails every put after reading it all, like a disk that fills up at the end."""

    async def put(self, key: str, chunks: AsyncIterable[bytes], content_type: str) -> None:
        async for _ in chunks:
            pass
        raise StorageUnavailable("the file storage is unavailable; try again later")


class VanishingStorage(MemoryFileStorage):
    """Its first ``misses`` opens find nothing, as when a replacement deleted the bytes just
    after the metadata was read."""

    def __init__(self, misses: int) -> None:
        super().__init__()
        self.misses = misses

    async def open(self, key: str) -> Any:
        if self.misses > 0:
            self.misses -= 1
            raise ContentMissing(key)
        return await super().open(key)


def acting(user_id: uuid.UUID | None, *, admin: bool = False) -> Actor:
    """A user (an administrator with ``admin``), or nobody signed in for None."""
    if user_id is None:
        return Actor.anonymous()
    return Actor(user_id=user_id, role=Role.ADMIN if admin else Role.CUSTOMER)


@define
class Harness:
    alora: Alora
    clock: FixedClock
    storage: MemoryFileStorage
    events: list[DomainEvent]

    def uow_factory(self) -> Any:
        return self.alora.units_of_work["files"]()

    async def handle(self, command: Command[T]) -> T:
        return await self.alora.bus.handle(command)

    def use_case(self, command: type[Command[T]]) -> Callable[[Any, Any], Awaitable[T]]:
        """The use case of ``command`` as the bus runs it, for a test to give it a unit of work
        of its own."""
        return self.alora.bus.commands[command]

    async def add_user(self, name: str, role: Role = Role.CUSTOMER) -> uuid.UUID:
        return (await add_user(self.alora, name, role)).id

    async def delete_user(self, user_id: uuid.UUID) -> None:
        await delete_user(self.alora, user_id)

    async def upload(
        self,
        owner_id: uuid.UUID,
        data: bytes = PNG,
        *,
        filename: str | None = "photo.png",
        public: bool = False,
    ) -> StoredFile:
        return await self.handle(
            c.UploadFile(
                actor=acting(owner_id), content=chunks(data), filename=filename, public=public
            )
        )

    async def stored(self, file_id: uuid.UUID) -> StoredFile | None:
        async with self.uow_factory() as uow:
            file: StoredFile | None = await uow.files.get(file_id)
            return file

    async def download(
        self, file_id: uuid.UUID, actor_id: uuid.UUID | None, admin: bool = False
    ) -> bytes:
        found = await self.handle(
            c.DownloadFile(file_id=file_id, viewer=acting(actor_id, admin=admin))
        )
        assert found.content is not None
        try:
            return b"".join([chunk async for chunk in found.content])
        finally:
            await found.content.aclose()

    async def audit(self) -> list[Any]:
        return await audit_entries(self.alora)


HarnessFor = Callable[[MemoryFileStorage], Awaitable[Harness]]


@pytest.fixture
def harness_for(backend: Backend) -> HarnessFor:
    """Makes a harness whose bytes go to the given storage."""

    async def make(storage: MemoryFileStorage) -> Harness:
        clock = FixedClock()
        limit = {"ALORA_FILE_MAX_BYTES": str(LIMIT)}
        alora = await backend.build(clock=clock, storage=storage, environ=limit)
        return Harness(alora, clock, storage, committed_events(alora))

    return make


@pytest.fixture
async def h(harness_for: HarnessFor) -> Harness:
    return await harness_for(MemoryFileStorage())


# --- upload ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("content_type", "data"), list(SAMPLES.items()), ids=list(SAMPLES))
async def test_an_upload_is_stored_with_the_type_its_content_shows(
    h: Harness, content_type: str, data: bytes
) -> None:
    ann = await h.add_user("ann")
    file = await h.upload(ann, data, filename="upload.bin", public=True)

    assert file.content_type == content_type
    assert file.size == len(data)
    assert file.sha256 == hashlib.sha256(data).hexdigest()
    assert file.owner_id == ann and file.public is True
    assert file.created_at == file.updated_at == h.clock.now()
    assert h.storage.objects[file.storage_key] == (data, content_type)
    assert file.storage_key.startswith(f"{ann}/{file.id}.")
    assert await h.stored(file.id) == file
    assert await h.download(file.id, None) == data
    uploaded = [e for e in h.events if isinstance(e, FileUploaded)]
    assert [(e.file_id, e.owner_id, e.content_type, e.size, e.public) for e in uploaded] == [
        (file.id, ann, content_type, len(data), True)
    ]


async def test_files_are_private_unless_asked(h: Harness) -> None:
    file = await h.upload(await h.add_user("ann"))
    assert file.public is False


@pytest.mark.parametrize(
    ("filename", "content_type", "kept"),
    [
        ("holiday.JPG", "image/jpeg", "holiday.jpg"),
        ("holiday.jpeg", "image/jpeg", "holiday.jpeg"),
        ("report.pdf.exe", "application/pdf", "report.pdf.pdf"),
        ("kitchen", "image/png", "kitchen.png"),
        ("C:\\Users\\ann\\Desktop\\plan.pdf", "application/pdf", "plan.pdf"),
        ("../../etc/passwd", "image/png", "passwd.png"),
        (".htaccess", "image/gif", "htaccess.gif"),
        ("in\u202egpj.exe", "image/jpeg", "ingpj.jpg"),
        ('a"b;c\r\nd.png', "image/png", "a_b_cd.png"),
        ("", "image/webp", "file.webp"),
        (None, "application/pdf", "file.pdf"),
        ("Café Ünïcode.png", "image/png", "Café Ünïcode.png"),
        ("x" * 300 + ".png", "image/png", "x" * 116 + ".png"),
    ],
)
async def test_names_are_cleaned_and_end_in_the_real_type(
    h: Harness, filename: str | None, content_type: str, kept: str
) -> None:
    file = await h.upload(await h.add_user("ann"), SAMPLES[content_type], filename=filename)
    assert file.filename == kept


@pytest.mark.parametrize(
    "data",
    [
        b"hello, I am text with a .jpg name",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"PK\x03\x04" + b"\x00" * 30,  # a zip file
        b"MZ\x90\x00" + b"\x00" * 60,  # a Windows program
    ],
    ids=["text", "svg", "html", "zip", "exe"],
)
async def test_other_content_is_refused_whatever_its_name(h: Harness, data: bytes) -> None:
    ann = await h.add_user("ann")
    with pytest.raises(UnsupportedFileType, match="JPEG, PNG, GIF, WebP or PDF"):
        await h.upload(ann, data, filename="photo.jpg")
    assert h.storage.objects == {}
    assert not [e for e in h.events if isinstance(e, FileUploaded)]


async def test_an_empty_upload_is_invalid(h: Harness) -> None:
    with pytest.raises(Invalid) as refused:
        await h.upload(await h.add_user("ann"), b"")
    assert [(e.field, e.code) for e in refused.value.errors] == [("file", "empty")]
    assert h.storage.objects == {}


async def test_exactly_the_limit_is_accepted(h: Harness) -> None:
    file = await h.upload(await h.add_user("ann"), sized(PNG, LIMIT))
    assert file.size == LIMIT


async def test_one_byte_over_the_limit_is_refused_and_nothing_is_kept(h: Harness) -> None:
    with pytest.raises(FileTooLarge, match="64 KiB") as refused:
        await h.upload(await h.add_user("ann"), sized(PNG, LIMIT + 1))
    assert refused.value.max_bytes == LIMIT
    assert h.storage.objects == {}


async def test_an_endless_upload_is_cut_off_at_the_limit(h: Harness) -> None:
    read = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal read
        yield PNG
        while True:
            read += 1000
            yield b"\x00" * 1000

    ann = await h.add_user("ann")
    with pytest.raises(FileTooLarge):
        await h.handle(c.UploadFile(actor=acting(ann), content=endless()))
    assert read <= LIMIT + 1000


async def test_the_type_is_known_before_the_bytes_are_read_through(h: Harness) -> None:
    source = CountingSource(b"not an image at all " * 10_000)
    with pytest.raises(UnsupportedFileType):
        await h.handle(c.UploadFile(actor=acting(await h.add_user("ann")), content=source()))
    assert source.read < 2 * HEAD_BYTES


async def test_a_failing_storage_leaves_no_metadata(harness_for: HarnessFor) -> None:
    h = await harness_for(BrokenStorage())
    ann = await h.add_user("ann")
    with pytest.raises(StorageUnavailable):
        await h.upload(ann)
    assert h.storage.objects == {}
    assert not [e for e in h.events if isinstance(e, FileUploaded)]


async def test_a_failed_commit_deletes_the_new_bytes(h: Harness) -> None:
    ann = await h.add_user("ann")
    uow = h.uow_factory()

    async def refuse() -> None:
        raise RuntimeError("the database went away")

    uow.commit = refuse
    upload = h.use_case(c.UploadFile)
    with pytest.raises(RuntimeError, match="went away"):
        await upload(c.UploadFile(actor=acting(ann), content=chunks(PNG)), uow)
    assert h.storage.objects == {}


# --- reading ------------------------------------------------------------------------------------


async def test_private_files_are_seen_by_their_owner_and_admins_only(h: Harness) -> None:
    ann, bob = await h.add_user("ann"), await h.add_user("bob")
    root = await h.add_user("root", Role.ADMIN)
    file = await h.upload(ann, PDF, filename="contract.pdf")

    assert await h.download(file.id, ann) == PDF
    assert await h.download(file.id, root, admin=True) == PDF
    assert await h.handle(c.GetFile(file_id=file.id, viewer=acting(ann))) == file
    for viewer in (bob, None):
        with pytest.raises(NotFound):
            await h.download(file.id, viewer)
        with pytest.raises(NotFound):
            await h.handle(c.GetFile(file_id=file.id, viewer=acting(viewer)))


async def test_public_files_are_seen_by_anyone(h: Harness) -> None:
    ann, bob = await h.add_user("ann"), await h.add_user("bob")
    file = await h.upload(ann, JPEG, public=True)
    assert await h.download(file.id, bob) == JPEG
    assert await h.download(file.id, None) == JPEG
    assert await h.handle(c.GetFile(file_id=file.id, viewer=acting(None))) == file


async def test_an_unknown_file_is_not_found(h: Harness) -> None:
    with pytest.raises(NotFound):
        await h.handle(c.GetFile(file_id=uuid.uuid4(), viewer=acting(uuid.uuid4(), admin=True)))
    with pytest.raises(NotFound):
        await h.download(uuid.uuid4(), await h.add_user("root", Role.ADMIN), admin=True)


@pytest.mark.parametrize("cached", [{"sha"}, {"*"}, {"old", "sha"}])
async def test_a_version_the_caller_has_is_not_opened(h: Harness, cached: set[str]) -> None:
    ann = await h.add_user("ann")
    file = await h.upload(ann, GIF)
    tags = frozenset(file.sha256 if tag == "sha" else tag for tag in cached)
    found = await h.handle(c.DownloadFile(file_id=file.id, viewer=acting(ann), cached=tags))
    assert found == Download(file, None)
    other = await h.handle(
        c.DownloadFile(file_id=file.id, viewer=acting(ann), cached=frozenset({"x"}))
    )
    assert other.content is not None
    await other.content.aclose()


async def test_cached_versions_do_not_reveal_private_files(h: Harness) -> None:
    ann, bob = await h.add_user("ann"), await h.add_user("bob")
    file = await h.upload(ann)
    with pytest.raises(NotFound):
        await h.handle(c.DownloadFile(file_id=file.id, viewer=acting(bob), cached=frozenset({"*"})))


async def test_a_download_retries_when_the_bytes_moved(harness_for: HarnessFor) -> None:
    h = await harness_for(VanishingStorage(misses=2))
    ann = await h.add_user("ann")
    file = await h.upload(ann, WEBP)
    assert await h.download(file.id, ann) == WEBP


async def test_bytes_missing_for_good_are_not_found_and_logged(
    harness_for: HarnessFor, caplog: pytest.LogCaptureFixture
) -> None:
    h = await harness_for(VanishingStorage(misses=0))
    ann = await h.add_user("ann")
    file = await h.upload(ann, WEBP)
    h.storage.objects.clear()
    with caplog.at_level(logging.ERROR), pytest.raises(NotFound, match="content is gone"):
        await h.download(file.id, ann)
    assert "bytes are missing" in caplog.text


# --- replace ------------------------------------------------------------------------------------


async def test_the_owner_replaces_the_content_under_a_new_key(h: Harness) -> None:
    ann = await h.add_user("ann")
    file = await h.upload(ann, PNG, filename="plan.png")
    h.clock.advance(timedelta(minutes=5))

    replaced: StoredFile = await h.handle(
        c.ReplaceFile(file_id=file.id, actor=acting(ann), content=chunks(PDF))
    )
    assert replaced.id == file.id
    assert replaced.content_type == "application/pdf"
    assert replaced.filename == "plan.pdf"  # the name stays, with the new type's extension
    assert replaced.sha256 == hashlib.sha256(PDF).hexdigest()
    assert replaced.size == len(PDF)
    assert replaced.public is False
    assert replaced.created_at == file.created_at
    assert replaced.updated_at == h.clock.now() != file.updated_at
    assert replaced.storage_key != file.storage_key
    assert list(h.storage.objects) == [replaced.storage_key]  # the old bytes are gone
    assert await h.stored(file.id) == replaced
    assert replaced.version == file.version + 1
    assert await h.download(file.id, ann) == PDF
    event = next(e for e in h.events if isinstance(e, FileReplaced))
    assert (event.file_id, event.actor_id, event.content_type) == (file.id, ann, "application/pdf")
    assert await h.audit() == []  # the owner's own change is not audited


async def test_a_replacement_may_rename_and_change_visibility(h: Harness) -> None:
    ann = await h.add_user("ann")
    file = await h.upload(ann, PNG)
    replaced = await h.handle(
        c.ReplaceFile(
            file_id=file.id,
            actor=acting(ann),
            content=chunks(JPEG),
            filename="new name.jpg",
            public=True,
        )
    )
    assert (replaced.filename, replaced.public) == ("new name.jpg", True)
    assert await h.download(file.id, None) == JPEG


async def test_an_admin_replaces_anyones_file_and_it_is_audited(h: Harness) -> None:
    ann = await h.add_user("ann")
    root = await h.add_user("root", Role.ADMIN)
    file = await h.upload(ann, PNG)
    await h.handle(
        c.ReplaceFile(file_id=file.id, actor=acting(root, admin=True), content=chunks(GIF))
    )
    [entry] = await h.audit()
    assert (entry.actor_id, entry.action, entry.target_type, entry.target_id) == (
        root,
        "file.replace",
        "file",
        str(file.id),
    )
    assert entry.details["owner_id"] == str(ann)
    assert await h.download(file.id, ann) == GIF


@pytest.mark.parametrize("public", [False, True])
async def test_others_cannot_replace_and_their_upload_is_not_read(h: Harness, public: bool) -> None:
    ann, bob = await h.add_user("ann"), await h.add_user("bob")
    file = await h.upload(ann, PNG, public=public)
    source = CountingSource(JPEG)
    with pytest.raises(NotFound):
        await h.handle(c.ReplaceFile(file_id=file.id, actor=acting(bob), content=source()))
    assert source.read == 0
    assert await h.stored(file.id) == file
    assert list(h.storage.objects) == [file.storage_key]


async def test_a_refused_replacement_keeps_the_old_content(h: Harness) -> None:
    ann = await h.add_user("ann")
    file = await h.upload(ann, PNG)
    for data, error in [(b"text", UnsupportedFileType), (sized(PNG, LIMIT + 1), FileTooLarge)]:
        with pytest.raises(error):
            await h.handle(c.ReplaceFile(file_id=file.id, actor=acting(ann), content=chunks(data)))
    assert await h.stored(file.id) == file
    assert list(h.storage.objects) == [file.storage_key]
    assert await h.download(file.id, ann) == PNG


async def test_a_failed_replacement_commit_keeps_the_old_bytes(h: Harness) -> None:
    ann = await h.add_user("ann")
    file = await h.upload(ann, PNG)
    uow = h.uow_factory()

    async def refuse() -> None:
        raise RuntimeError("the database went away")

    uow.commit = refuse
    with pytest.raises(RuntimeError, match="went away"):
        await h.use_case(c.ReplaceFile)(
            c.ReplaceFile(file_id=file.id, actor=acting(ann), content=chunks(GIF)), uow
        )
    assert list(h.storage.objects) == [file.storage_key]
    assert await h.download(file.id, ann) == PNG


async def test_concurrent_replacements_leave_one_content_named_by_the_metadata(
    h: Harness,
) -> None:
    ann = await h.add_user("ann")
    file = await h.upload(ann, PNG)
    contents = [sized(sample, 20_000 + i) for i, sample in enumerate([JPEG, GIF, PDF, WEBP])]
    outcomes = await asyncio.gather(
        *(
            h.handle(c.ReplaceFile(file_id=file.id, actor=acting(ann), content=chunks(data)))
            for data in contents
        ),
        return_exceptions=True,
    )
    assert all(isinstance(o, StoredFile) for o in outcomes), outcomes
    final = await h.stored(file.id)
    assert final is not None
    assert list(h.storage.objects) == [final.storage_key]
    assert await h.download(file.id, ann) in contents
    assert final.version == file.version + len(contents)


# --- delete -------------------------------------------------------------------------------------


async def test_the_owner_deletes_metadata_and_bytes(h: Harness) -> None:
    ann = await h.add_user("ann")
    file = await h.upload(ann, PDF)
    await h.handle(c.DeleteFile(file_id=file.id, actor=acting(ann)))
    assert await h.stored(file.id) is None
    assert h.storage.objects == {}
    with pytest.raises(NotFound):
        await h.download(file.id, ann)
    event = next(e for e in h.events if isinstance(e, FileDeleted))
    assert (event.file_id, event.owner_id, event.actor_id) == (file.id, ann, ann)
    with pytest.raises(NotFound):
        await h.handle(c.DeleteFile(file_id=file.id, actor=acting(ann)))


async def test_an_admin_deletes_anyones_file_and_it_is_audited(h: Harness) -> None:
    ann = await h.add_user("ann")
    root = await h.add_user("root", Role.ADMIN)
    file = await h.upload(ann, PNG, public=True)
    await h.handle(c.DeleteFile(file_id=file.id, actor=acting(root, admin=True)))
    assert await h.stored(file.id) is None
    [entry] = await h.audit()
    assert (entry.action, entry.target_id, entry.actor_id) == ("file.delete", str(file.id), root)


@pytest.mark.parametrize("public", [False, True])
async def test_others_cannot_delete(h: Harness, public: bool) -> None:
    ann, bob = await h.add_user("ann"), await h.add_user("bob")
    file = await h.upload(ann, PNG, public=public)
    with pytest.raises(NotFound):
        await h.handle(c.DeleteFile(file_id=file.id, actor=acting(bob)))
    assert await h.stored(file.id) == file
    assert list(h.storage.objects) == [file.storage_key]


async def test_a_deleted_users_files_go_with_them(h: Harness) -> None:
    ann, bob = await h.add_user("ann"), await h.add_user("bob")
    mine = await h.upload(ann, PNG)
    theirs = await h.upload(bob, PNG)
    await h.delete_user(ann)
    assert await h.stored(mine.id) is None
    assert await h.stored(theirs.id) == theirs


async def test_two_files_never_share_bytes(h: Harness) -> None:
    ann = await h.add_user("ann")
    first, second = await h.upload(ann, PNG), await h.upload(ann, PNG)
    assert first.sha256 == second.sha256
    assert first.storage_key != second.storage_key
    await h.handle(c.DeleteFile(file_id=first.id, actor=acting(ann)))
    assert await h.download(second.id, ann) == PNG


# --- a deleted account ----------------------------------------------------------------------------
# On the storage Alora configures (in memory; on SQL, a folder under its var directory).


@pytest.fixture
async def alora(backend: Backend) -> Alora:
    return await backend.build(clock=FixedClock())


async def upload_as(alora: Alora, owner_id: uuid.UUID, data: bytes) -> StoredFile:
    return await alora.bus.handle(
        c.UploadFile(actor=acting(owner_id), content=chunks(data), filename="photo", public=False)
    )


async def an_admin(alora: Alora) -> Actor:
    return acting((await add_user(alora, "root", Role.ADMIN)).id, admin=True)


async def test_a_deleted_accounts_bytes_leave_the_storage(alora: Alora) -> None:
    admin = await an_admin(alora)
    ann, bob = await add_user(alora, "ann"), await add_user(alora, "bob")
    mine = [await upload_as(alora, ann.id, PNG), await upload_as(alora, ann.id, PDF)]
    theirs = await upload_as(alora, bob.id, JPEG)
    await alora.bus.handle(DeleteUser(actor=admin, user_id=ann.id))
    for file in mine:  # the rows went with the account, the bytes with the job that followed
        assert await alora.storage.exists(file.storage_key) is False
        with pytest.raises(NotFound):
            await alora.bus.handle(c.GetFile(file_id=file.id, viewer=admin))
    assert await alora.job_stats() == JobStats(pending=0, oldest_pending_age_seconds=None, dead=0)
    found = await alora.bus.handle(c.DownloadFile(file_id=theirs.id, viewer=acting(bob.id)))
    assert found.content is not None
    try:
        assert b"".join([chunk async for chunk in found.content]) == JPEG
    finally:
        await found.content.aclose()
    assert await purge_owner_files(ann.id, alora.storage) == 0  # a repeated job finds nothing


class UnreachableForPurges(MemoryFileStorage):
    """Stores and reads, but cannot delete an owner's contents while ``down``."""

    down = True

    async def delete_owned(self, owner_id: uuid.UUID) -> int:
        if self.down:
            raise StorageUnavailable("the file storage is unavailable; try again later")
        return await super().delete_owned(owner_id)


async def test_a_purge_the_storage_fails_is_kept_to_be_retried(backend: Backend) -> None:
    storage = UnreachableForPurges()
    alora = await backend.build(
        clock=FixedClock(),
        storage=storage,
        environ={"ALORA_JOB_MAX_ATTEMPTS": "2"},
        max_job_attempts=2,  # in memory, where the settings do not say it
    )
    admin = await an_admin(alora)
    ann = await add_user(alora, "ann")
    file = await upload_as(alora, ann.id, PNG)
    await alora.bus.handle(DeleteUser(actor=admin, user_id=ann.id))
    assert await storage.exists(file.storage_key)  # the account is gone, its bytes not yet
    [dead] = (await alora.bus.handle(ListDeadJobs(actor=admin))).items
    assert (dead.handler, dead.attempts) == ("files.purge_deleted_owner", 2)
    storage.down = False
    await alora.bus.handle(RetryDeadJob(actor=admin, dead_job_id=dead.id))
    await alora.jobs_added([])  # as the retry route does: the relay runs it now
    assert await storage.exists(file.storage_key) is False
