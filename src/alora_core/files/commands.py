"""Files' commands. ``actor`` is who changes a file, ``viewer`` who reads one; ``content`` is the
upload's bytes as they arrive, read once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterable

from attrs import field, frozen

from alora_core.files.model import StoredFile
from alora_core.files.queries import Download
from alora_core.shared.actor import Actor
from alora_core.shared.commands import Command


@frozen(kw_only=True)
class UploadFile(Command[StoredFile]):
    """Store a new file owned by the actor. Its type is recognized from the first bytes, not
    from ``filename``; it must be one of ``model.ACCEPTED_TYPES`` and at most the configured
    size."""

    actor: Actor
    content: AsyncIterable[bytes] = field(repr=False)
    filename: str | None = None
    """The name the client gave; kept cleaned (``model.clean_filename``)."""
    public: bool = False


@frozen(kw_only=True)
class ReplaceFile(Command[StoredFile]):
    """New content for a file, by its owner or an administrator (same checks as an upload).
    ``filename`` None keeps the name; ``public`` None keeps the visibility."""

    file_id: uuid.UUID
    actor: Actor
    content: AsyncIterable[bytes] = field(repr=False)
    filename: str | None = None
    public: bool | None = None


@frozen(kw_only=True)
class DeleteFile(Command[None]):
    file_id: uuid.UUID
    actor: Actor


@frozen(kw_only=True)
class GetFile(Command[StoredFile]):
    """The metadata of a file the viewer may see."""

    file_id: uuid.UUID
    viewer: Actor


@frozen(kw_only=True)
class DownloadFile(Command[Download]):
    """The metadata and the bytes of a file the viewer may see. ``cached`` holds the sha256 of
    the versions the caller has already (``"*"``: any version); when the current one is among
    them the bytes are not opened."""

    file_id: uuid.UUID
    viewer: Actor
    cached: frozenset[str] = frozenset()
