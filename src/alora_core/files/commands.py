"""Files' commands. The acting user comes as an id and an admin flag; ``content`` is the upload's
bytes as they arrive, read once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterable

from attrs import field, frozen


@frozen(kw_only=True)
class UploadFile:
    """Store a new file owned by ``owner_id``. Its type is recognized from the first bytes, not
    from ``filename``; it must be one of ``model.ACCEPTED_TYPES`` and at most the configured
    size. Returns the ``StoredFile``."""

    owner_id: uuid.UUID
    content: AsyncIterable[bytes] = field(repr=False)
    filename: str | None = None
    """The name the client gave; kept cleaned (``model.clean_filename``)."""
    public: bool = False


@frozen(kw_only=True)
class ReplaceFile:
    """New content for a file, by its owner or an administrator (same checks as an upload).
    ``filename`` None keeps the name; ``public`` None keeps the visibility."""

    file_id: uuid.UUID
    actor_id: uuid.UUID
    actor_is_admin: bool
    content: AsyncIterable[bytes] = field(repr=False)
    filename: str | None = None
    public: bool | None = None


@frozen(kw_only=True)
class DeleteFile:
    file_id: uuid.UUID
    actor_id: uuid.UUID
    actor_is_admin: bool


@frozen(kw_only=True)
class GetFile:
    """The metadata of a file the actor may see (None: anonymous)."""

    file_id: uuid.UUID
    actor_id: uuid.UUID | None
    actor_is_admin: bool = False


@frozen(kw_only=True)
class DownloadFile:
    """The metadata and the bytes of a file the actor may see. ``cached`` holds the sha256 of
    the versions the caller has already (``"*"``: any version); when the current one is among
    them the bytes are not opened. Returns a ``use_cases.Download``."""

    file_id: uuid.UUID
    actor_id: uuid.UUID | None
    actor_is_admin: bool = False
    cached: frozenset[str] = frozenset()
