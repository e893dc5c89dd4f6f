"""Files' bytes in a folder of the local file system (``ALORA_FILES_DIR``, the default).

A key is a relative path under the folder. A put writes a hidden temporary file next to the
target (``.<name>.<random>.part``), syncs it and renames it into place, so a reader sees the
whole content or none, and a crash leaves at most a temporary file, never a partial one. All
file-system work runs on worker threads, off the event loop.

Deleting an owner's contents empties the owner's folder through folder descriptors (POSIX
``dir_fd``), never following a link: a link is removed itself, and what it points to is left
alone, so nothing outside the folder is touched.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import secrets
import stat
import threading
import uuid
from collections.abc import AsyncIterable, Callable
from pathlib import Path
from typing import TypeVar

from adapters.storage.keys import checked_key
from adapters.storage.reading import ThreadedContent
from alora_core.shared.storage import ContentMissing, StorageUnavailable

logger = logging.getLogger(__name__)

T = TypeVar("T")

WRITE_BYTES = 1024 * 1024
"""Chunks are gathered up to this size before a write (fewer thread hops)."""
_FILE_MODE = 0o640
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)


class LocalFileStorage:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root.joinpath(*checked_key(key).split("/"))

    async def put(self, key: str, chunks: AsyncIterable[bytes], content_type: str) -> None:
        temporary = _Temporary(self.path(key))
        try:
            await _run(temporary.create)
            buffer = bytearray()
            async for chunk in chunks:
                buffer += chunk
                if len(buffer) >= WRITE_BYTES:
                    data, buffer = bytes(buffer), bytearray()
                    await _run(temporary.write, data)
            await _run(temporary.finish, bytes(buffer))
        except BaseException:
            # On a worker thread too; shielded, so a cancelled put still cleans up after itself.
            await asyncio.shield(asyncio.to_thread(temporary.discard))
            raise

    async def open(self, key: str) -> ThreadedContent:
        path = self.path(key)
        try:
            handle = await asyncio.to_thread(path.open, "rb")
        except (FileNotFoundError, NotADirectoryError):
            raise ContentMissing(key) from None
        except OSError as exc:
            raise _unavailable(exc) from exc
        return ThreadedContent(handle.read, handle.close, _unavailable)

    async def delete(self, key: str) -> None:
        await _run(self.path(key).unlink, missing_ok=True)

    async def exists(self, key: str) -> bool:
        return await _run(self.path(key).is_file)

    async def delete_owned(self, owner_id: uuid.UUID) -> int:
        """Empty and remove the folder ``<root>/<owner_id>``, temporary files included; the
        count leaves out hidden (temporary) files. A folder a concurrent put has just written
        in again is left with what that put wrote."""
        return await _run(_delete_owned, self.root, str(owner_id))

    async def check(self) -> None:
        """Readiness: the folder exists (it is made) and this process may write in it."""

        def writable() -> None:
            self.root.mkdir(parents=True, exist_ok=True)
            if not os.access(self.root, os.W_OK | os.X_OK):
                raise PermissionError(f"cannot write in {self.root}")

        await asyncio.to_thread(writable)


async def _run(work: Callable[..., T], *args: object, **kwargs: object) -> T:
    """``work`` on a worker thread; an OS error becomes ``StorageUnavailable`` (logged)."""
    try:
        return await asyncio.to_thread(work, *args, **kwargs)
    except OSError as exc:
        raise _unavailable(exc) from exc


def _delete_owned(root: Path, name: str) -> int:
    try:
        root_fd = os.open(root, _FOLDER_FLAGS)
    except FileNotFoundError:
        return 0
    try:
        try:
            found = os.stat(name, dir_fd=root_fd, follow_symlinks=False)
        except FileNotFoundError:
            return 0
        if stat.S_ISLNK(found.st_mode):
            logger.warning("an owner's folder is a link; the link is removed, not followed")
            _ignore_missing(os.unlink, name, dir_fd=root_fd)
            return 0
        if not stat.S_ISDIR(found.st_mode):
            return 0  # a content under the key ``<owner id>``, not in the owner's folder
        return _remove_folder(root_fd, name)
    finally:
        os.close(root_fd)


def _remove_folder(parent_fd: int, name: str) -> int:
    """Remove the folder ``name`` in ``parent_fd`` with everything in it; how many files that
    are not hidden went. The folder is opened without following a link (a link swapped in
    meanwhile fails the open); files and links in it are unlinked, never followed."""
    try:
        fd = os.open(name, _FOLDER_FLAGS | _NO_FOLLOW, dir_fd=parent_fd)
    except FileNotFoundError:
        return 0
    removed = 0
    try:
        with os.scandir(fd) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    removed += _remove_folder(fd, entry.name)
                    continue
                unlinked = _ignore_missing(os.unlink, entry.name, dir_fd=fd)
                if unlinked and not entry.name.startswith("."):
                    removed += 1
    finally:
        os.close(fd)
    try:
        os.rmdir(name, dir_fd=parent_fd)
    except FileNotFoundError:
        pass
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
    return removed


def _ignore_missing(remove: Callable[..., None], *args: object, **kwargs: object) -> bool:
    """``remove(*args, **kwargs)``; False when there was nothing to remove."""
    try:
        remove(*args, **kwargs)
    except FileNotFoundError:
        return False
    return True


def _unavailable(exc: Exception) -> StorageUnavailable:
    logger.error("the file storage failed: %s", exc, exc_info=exc)
    return StorageUnavailable("the file storage is unavailable; try again later")


class _Temporary:
    """The hidden file a put writes before renaming it to ``target``. Its methods run on worker
    threads; the lock keeps a discard from closing the file under a write still running."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.path = target.with_name(f".{target.name}.{secrets.token_hex(8)}.part")
        self._fd: int | None = None
        self._discarded = False
        self._lock = threading.Lock()

    def create(self) -> None:
        with self._lock:
            if self._discarded:
                return
            self.target.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _FILE_MODE)

    def write(self, data: bytes) -> None:
        with self._lock:
            _write_all(self._open_fd(), data)

    def finish(self, rest: bytes) -> None:
        """Write the rest, sync, and rename into place."""
        with self._lock:
            fd = self._open_fd()
            _write_all(fd, rest)
            os.fsync(fd)
            self._fd = None
            os.close(fd)
            os.replace(self.path, self.target)
        _sync_folder(self.target.parent)

    def discard(self) -> None:
        with self._lock:
            self._discarded = True
            if self._fd is not None:
                fd, self._fd = self._fd, None
                os.close(fd)
            try:
                self.path.unlink(missing_ok=True)
            except OSError:
                logger.warning("could not remove a temporary file", extra={"path": str(self.path)})

    def _open_fd(self) -> int:
        if self._fd is None:
            raise OSError("the temporary file is closed")
        return self._fd


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX); where folders cannot be opened, it is skipped."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
