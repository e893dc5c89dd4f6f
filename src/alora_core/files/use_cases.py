"""Files' use cases: upload, replace, delete, read the metadata and download; and the purge of
the bytes of an owner whose files' metadata is gone.

Bytes and metadata live in two places that share no transaction, so every write keeps one
order: the bytes go under a key no metadata names yet; then the metadata is committed; then the
bytes it no longer names are deleted. A failure before the commit deletes the new bytes, and
the metadata never names missing bytes. A failure to delete afterwards leaves unreferenced
bytes behind (logged), never a broken file.

The upload is read once, as it arrives: counted and hashed on the way to the storage, its type
recognized from the first ``HEAD_BYTES`` before anything is stored, and refused the moment it
passes the size limit.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Callable
from functools import partial
from typing import Any, TypeVar

from attrs import frozen

from alora_core.files import commands as c
from alora_core.files.errors import FileTooLarge, UnsupportedFileType
from alora_core.files.model import (
    ACCEPTED_NAMES,
    ACCEPTED_TYPES,
    Received,
    StoredFile,
    new_storage_key,
)
from alora_core.files.ports import ContentSniffer, FilesUnitOfWork
from alora_core.files.queries import Download
from alora_core.shared.actor import Actor
from alora_core.shared.audit import AuditEntry
from alora_core.shared.clock import Clock
from alora_core.shared.errors import FieldError, Invalid, NotFound
from alora_core.shared.ids import new_id
from alora_core.shared.retry import ATTEMPTS, retrying_on_stale
from alora_core.shared.storage import ContentMissing, FileStorage

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
HEAD_BYTES = 8192
"""How much of the start of an upload the type is recognized from."""


@frozen(kw_only=True)
class FilesDeps:
    clock: Clock
    storage: FileStorage
    sniffer: ContentSniffer
    max_bytes: int = DEFAULT_MAX_BYTES


# --- receiving an upload ----------------------------------------------------------------------


class _Upload:
    """An upload on its way in: counted, hashed, and refused beyond ``max_bytes``."""

    def __init__(self, source: AsyncIterable[bytes], max_bytes: int) -> None:
        self._source = aiter(source)
        self._max_bytes = max_bytes
        self._digest = hashlib.sha256()
        self._head: list[bytes] = []
        self.size = 0
        self.finished = False

    async def _next(self) -> bytes | None:
        """The next non-empty chunk, None at the end."""
        while not self.finished:
            try:
                chunk = await anext(self._source)
            except StopAsyncIteration:
                self.finished = True
                break
            if not chunk:
                continue
            self.size += len(chunk)
            if self.size > self._max_bytes:
                raise FileTooLarge(
                    f"the file is larger than {_size(self._max_bytes)}", self._max_bytes
                )
            self._digest.update(chunk)
            return bytes(chunk)
        return None

    async def head(self) -> bytes:
        """The first ``HEAD_BYTES`` (fewer for a shorter file); ``chunks`` yields them again."""
        while self.size < HEAD_BYTES and (chunk := await self._next()) is not None:
            self._head.append(chunk)
        return b"".join(self._head)[:HEAD_BYTES]

    async def chunks(self) -> AsyncIterator[bytes]:
        head, self._head = self._head, []
        for first in head:
            yield first
        while (chunk := await self._next()) is not None:
            yield chunk

    def received(self, content_type: str) -> Received:
        if not self.finished:
            raise RuntimeError("the storage did not read the whole upload")
        return Received(content_type=content_type, size=self.size, sha256=self._digest.hexdigest())


def _size(count: int) -> str:
    if count % (1024 * 1024) == 0:
        return f"{count // (1024 * 1024)} MiB"
    if count % 1024 == 0:
        return f"{count // 1024} KiB"
    return f"{count} bytes"


async def _accepted(upload: _Upload, deps: FilesDeps) -> str:
    """The upload's media type, recognized from its first bytes."""
    head = await upload.head()
    if not head:
        raise Invalid("the file is empty", [FieldError("file", "is empty", "empty")])
    content_type = deps.sniffer.sniff(head)
    if content_type not in ACCEPTED_TYPES:
        shown = f"{content_type} content" if content_type else "content of no known type"
        raise UnsupportedFileType(
            f"the file holds {shown}; upload {ACCEPTED_NAMES} (the type is recognized from the "
            "content, not from the name or the declared type)"
        )
    return content_type


async def _store(upload: _Upload, content_type: str, key: str, deps: FilesDeps) -> Received:
    """Put the upload under ``key``; on any failure nothing is left there."""
    try:
        await deps.storage.put(key, upload.chunks(), content_type)
        return upload.received(content_type)
    except BaseException:
        await _discard(deps.storage, key)
        raise


async def _discard(storage: FileStorage, key: str) -> None:
    """Delete ``key`` and never fail: a failure only leaves unreferenced bytes (logged). Runs
    to the end even when the caller is cancelled."""
    try:
        await asyncio.shield(storage.delete(key))
    except Exception:
        logger.exception("could not delete stored bytes; they are left over", extra={"key": key})


# --- the use cases ------------------------------------------------------------------------------


async def upload_file(cmd: c.UploadFile, uow: FilesUnitOfWork, deps: FilesDeps) -> StoredFile:
    upload = _Upload(cmd.content, deps.max_bytes)
    content_type = await _accepted(upload, deps)
    owner_id = cmd.actor.require_user_id()
    file_id = new_id()
    key = new_storage_key(owner_id, file_id)
    received = await _store(upload, content_type, key, deps)
    try:
        async with uow:
            file = StoredFile.upload(
                file_id=file_id,
                owner_id=owner_id,
                received=received,
                filename=cmd.filename,
                public=cmd.public,
                storage_key=key,
                now=deps.clock.now(),
            )
            await uow.files.add(file)
            await uow.commit()
    except BaseException:
        await _discard(deps.storage, key)
        raise
    return file


async def replace_file(cmd: c.ReplaceFile, uow: FilesUnitOfWork, deps: FilesDeps) -> StoredFile:
    async with uow.reading():  # refuse others before reading their upload
        file = await _changeable(uow, cmd.file_id, cmd.actor)
    upload = _Upload(cmd.content, deps.max_bytes)
    content_type = await _accepted(upload, deps)
    key = new_storage_key(file.owner_id, file.id)
    received = await _store(upload, content_type, key, deps)

    async def attempt() -> tuple[StoredFile, str]:
        async with uow:
            current = await _changeable(uow, cmd.file_id, cmd.actor, lock=True)
            replaced_key = current.storage_key
            current.replace(
                received=received,
                filename=cmd.filename,
                public=cmd.public,
                storage_key=key,
                actor_id=cmd.actor.require_user_id(),
                now=deps.clock.now(),
            )
            await _audit_if_admin(uow, current, cmd.actor, "file.replace", deps.clock)
            await uow.commit()
        return current, replaced_key

    try:
        replaced, old_key = await retrying_on_stale(attempt)
    except BaseException:
        await _discard(deps.storage, key)
        raise
    await _discard(deps.storage, old_key)
    return replaced


async def delete_file(cmd: c.DeleteFile, uow: FilesUnitOfWork, deps: FilesDeps) -> None:
    async def attempt() -> str:
        async with uow:
            file = await _changeable(uow, cmd.file_id, cmd.actor, lock=True)
            file.delete(actor_id=cmd.actor.require_user_id(), now=deps.clock.now())
            await _audit_if_admin(uow, file, cmd.actor, "file.delete", deps.clock)
            await uow.files.delete(file)
            await uow.commit()
        return file.storage_key

    key = await retrying_on_stale(attempt)
    await _discard(deps.storage, key)


async def get_file(cmd: c.GetFile, uow: FilesUnitOfWork, deps: FilesDeps) -> StoredFile:
    async with uow.reading():
        return await _visible(uow, cmd.file_id, cmd.viewer)


async def download_file(cmd: c.DownloadFile, uow: FilesUnitOfWork, deps: FilesDeps) -> Download:
    """The file and its open bytes. A replacement committed between reading the metadata and
    opening the bytes deletes them: then the new metadata is read and its bytes opened."""
    for _ in range(ATTEMPTS):
        async with uow.reading():
            file = await _visible(uow, cmd.file_id, cmd.viewer)
        if "*" in cmd.cached or file.sha256 in cmd.cached:
            return Download(file, None)
        try:
            return Download(file, await deps.storage.open(file.storage_key))
        except ContentMissing:
            continue
    logger.error("a file's bytes are missing from the storage", extra={"file_id": str(file.id)})
    raise NotFound("the file's content is gone")


async def purge_owner_files(owner_id: uuid.UUID, storage: FileStorage) -> int:
    """Delete every content stored for ``owner_id``; how many there were. For an owner whose
    files' metadata is gone already (a deleted account takes its file rows with it), so no
    metadata is left naming missing bytes. Deleting nothing is fine, so running it again (a
    job delivered twice) does no harm; a storage failure raises ``StorageUnavailable``."""
    removed = await storage.delete_owned(owner_id)
    logger.info(
        "an owner's files were purged from the storage",
        extra={"owner_id": str(owner_id), "removed": removed},
    )
    return removed


# --- helpers ------------------------------------------------------------------------------------


async def _visible(uow: FilesUnitOfWork, file_id: uuid.UUID, viewer: Actor) -> StoredFile:
    """The file, when the viewer may see it; anyone else's private file is as unknown as a
    missing one."""
    file = await uow.files.get(file_id)
    if file is None or not file.visible_to(viewer):
        raise NotFound("no such file")
    return file


async def _changeable(
    uow: FilesUnitOfWork,
    file_id: uuid.UUID,
    actor: Actor,
    *,
    lock: bool = False,
) -> StoredFile:
    """The file, when the actor may change it (its owner or an administrator); 404 otherwise,
    also for a public file, so changing it does not tell more than seeing it. ``lock`` holds
    it until commit, so concurrent changes queue instead of failing."""
    file = await (uow.files.get_for_update if lock else uow.files.get)(file_id)
    if file is None or not file.changeable_by(actor):
        raise NotFound("no such file")
    return file


async def _audit_if_admin(
    uow: FilesUnitOfWork, file: StoredFile, actor: Actor, action: str, clock: Clock
) -> None:
    """An administrator changing someone else's file is audited."""
    if actor.user_id == file.owner_id:
        return
    await uow.audit_log.add(
        AuditEntry(
            actor_id=actor.require_user_id(),
            action=action,
            target_type="file",
            target_id=str(file.id),
            occurred_at=clock.now(),
            details={"owner_id": str(file.owner_id), "filename": file.filename},
        )
    )


# --- wiring ------------------------------------------------------------------------------------

USE_CASES: dict[type, Callable[..., Any]] = {
    c.UploadFile: upload_file,
    c.ReplaceFile: replace_file,
    c.DeleteFile: delete_file,
    c.GetFile: get_file,
    c.DownloadFile: download_file,
}


def command_handlers(deps: FilesDeps) -> dict[type, Callable[..., Any]]:
    """Each files command bound to its use case and the context's dependencies."""
    return {command: partial(use_case, deps=deps) for command, use_case in USE_CASES.items()}
