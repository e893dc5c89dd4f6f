"""Files use cases, driven through a message bus of their own.

The same functions run in memory (tests/unit) and against SQLite and PostgreSQL
(tests/integration): each importing module provides the ``uow_factory`` fixture. The bytes go
to an in-memory storage (the storages have their own contract suite); the metadata is what
varies. Uploads are async iterators of chunks, as the HTTP layer hands them over.

What follows a deleted account runs on the whole wiring instead, with its background jobs:
each importing module also provides an ``alora`` fixture (``entrypoints.bootstrap``, jobs run
inline, the storage it configures).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
from attrs import define, field

from adapters.storage.memory import MemoryFileStorage
from adapters.storage.sniffing import FiletypeSniffer
from alora_core.files import commands as c
from alora_core.files.errors import (
    ContentMissing,
    FileTooLarge,
    StorageUnavailable,
    UnsupportedFileType,
)
from alora_core.files.events import FileDeleted, FileReplaced, FileUploaded
from alora_core.files.model import StoredFile
from alora_core.files.use_cases import (
    HEAD_BYTES,
    Download,
    FilesDeps,
    command_handlers,
    purge_owner_files,
    upload_file,
)
from alora_core.identity.commands import DeleteUser
from alora_core.identity.model import Role, User
from alora_core.shared.actor import Actor
from alora_core.shared.clock import FixedClock
from alora_core.shared.errors import Invalid, NotFound
from alora_core.shared.events import DomainEvent
from alora_core.shared.jobs import JobStats
from alora_core.shared.messagebus import MessageBus
from alora_core.shared.pagination import PageRequest
from entrypoints.bootstrap import Alora
from suites.identity_use_cases import make_admin, register

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
    uow_factory: Callable[[], Any]
    clock: FixedClock
    storage: MemoryFileStorage
    deps: FilesDeps
    bus: MessageBus
    events: list[DomainEvent] = field(factory=list)

    async def handle(self, command: object) -> Any:
        return await self.bus.handle(command)

    async def add_user(self, name: str, role: Role = Role.CUSTOMER) -> uuid.UUID:
        user = User(
            full_name=f"{name.title()} Example",
            username=name,
            email=f"{name}@example.com",
            phone=None,
            password_hash="not a real hash",
            role=role,
            created_at=self.clock.now(),
        )
        async with self.uow_factory() as uow:
            await uow.users.add(user)
            await uow.commit()
        return user.id

    async def delete_user(self, user_id: uuid.UUID) -> None:
        async with self.uow_factory() as uow:
            await uow.users.delete(await uow.users.get(user_id))
            await uow.commit()

    async def upload(
        self,
        owner_id: uuid.UUID,
        data: bytes = PNG,
        *,
        filename: str | None = "photo.png",
        public: bool = False,
    ) -> StoredFile:
        file: StoredFile = await self.handle(
            c.UploadFile(
                actor=acting(owner_id), content=chunks(data), filename=filename, public=public
            )
        )
        return file

    async def stored(self, file_id: uuid.UUID) -> StoredFile | None:
        async with self.uow_factory() as uow:
            file: StoredFile | None = await uow.files.get(file_id)
            return file

    async def download(
        self, file_id: uuid.UUID, actor_id: uuid.UUID | None, admin: bool = False
    ) -> bytes:
        found: Download = await self.handle(
            c.DownloadFile(file_id=file_id, viewer=acting(actor_id, admin=admin))
        )
        assert found.content is not None
        try:
            return b"".join([chunk async for chunk in found.content])
        finally:
            await found.content.aclose()

    async def audit(self) -> list[Any]:
        async with self.uow_factory() as uow:
            page = await uow.audit_log.list(PageRequest(page=1, page_size=100))
            return list(page.items)


def harness_for(uow_factory: Callable[[], Any], storage: MemoryFileStorage) -> Harness:
    clock = FixedClock()
    deps = FilesDeps(clock=clock, storage=storage, sniffer=FiletypeSniffer(), max_bytes=LIMIT)
    events: list[DomainEvent] = []

    async def record(committed: list[DomainEvent]) -> None:
        events.extend(committed)

    bus = MessageBus(uow_factory, command_handlers(deps), on_events=record)
    return Harness(uow_factory, clock, storage, deps, bus, events)


@pytest.fixture
def h(uow_factory: Callable[[], Any]) -> Harness:
    return harness_for(uow_factory, MemoryFileStorage())


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


async def test_a_failing_storage_leaves_no_metadata(uow_factory: Callable[[], Any]) -> None:
    h = harness_for(uow_factory, BrokenStorage())
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
    with pytest.raises(RuntimeError, match="went away"):
        await upload_file(c.UploadFile(actor=acting(ann), content=chunks(PNG)), uow, h.deps)
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


async def test_a_download_retries_when_the_bytes_moved(uow_factory: Callable[[], Any]) -> None:
    h = harness_for(uow_factory, VanishingStorage(misses=2))
    ann = await h.add_user("ann")
    file = await h.upload(ann, WEBP)
    assert await h.download(file.id, ann) == WEBP


async def test_bytes_missing_for_good_are_not_found_and_logged(
    uow_factory: Callable[[], Any], caplog: pytest.LogCaptureFixture
) -> None:
    h = harness_for(uow_factory, VanishingStorage(misses=0))
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
    from alora_core.files.use_cases import replace_file

    ann = await h.add_user("ann")
    file = await h.upload(ann, PNG)
    uow = h.uow_factory()

    async def refuse() -> None:
        raise RuntimeError("the database went away")

    uow.commit = refuse
    with pytest.raises(RuntimeError, match="went away"):
        await replace_file(
            c.ReplaceFile(file_id=file.id, actor=acting(ann), content=chunks(GIF)),
            uow,
            h.deps,
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


async def upload_as(alora: Alora, owner_id: uuid.UUID, data: bytes) -> StoredFile:
    file: StoredFile = await alora.bus.handle(
        c.UploadFile(actor=acting(owner_id), content=chunks(data), filename="photo", public=False)
    )
    return file


async def test_a_deleted_accounts_bytes_leave_the_storage(alora: Alora) -> None:
    admin = await make_admin(alora)
    ann, bob = await register(alora, "ann"), await register(alora, "bob")
    mine = [await upload_as(alora, ann.id, PNG), await upload_as(alora, ann.id, PDF)]
    theirs = await upload_as(alora, bob.id, JPEG)
    await alora.bus.handle(DeleteUser(actor=admin, user_id=ann.id))
    for file in mine:  # the rows went with the account, the bytes with the job that followed
        assert await alora.storage.exists(file.storage_key) is False
        with pytest.raises(NotFound):
            await alora.bus.handle(c.GetFile(file_id=file.id, viewer=admin))
    assert await alora.job_stats() == JobStats(pending=0, oldest_pending_age_seconds=None, dead=0)
    found: Download = await alora.bus.handle(
        c.DownloadFile(file_id=theirs.id, viewer=acting(bob.id))
    )
    assert found.content is not None
    try:
        assert b"".join([chunk async for chunk in found.content]) == JPEG
    finally:
        await found.content.aclose()
    assert await purge_owner_files(ann.id, alora.storage) == 0  # a repeated job finds nothing
