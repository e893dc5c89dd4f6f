"""An uploaded file's metadata (the aggregate), the accepted types and the name it is served as.

The bytes live in a ``FileStorage`` under ``storage_key``; a new content always gets a new key,
so the metadata never names bytes that are still being written or already deleted.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
import uuid
from datetime import datetime

from attrs import define, field, frozen

from alora_core.files import events
from alora_core.shared.actor import Actor
from alora_core.shared.events import EventRecorder
from alora_core.shared.ids import new_id

ACCEPTED_TYPES: dict[str, tuple[str, ...]] = {
    "image/jpeg": ("jpg", "jpeg", "jpe"),
    "image/png": ("png",),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "application/pdf": ("pdf",),
}
"""The media types an upload may have, recognized from its content, with their file-name
extensions (the first one is given to a name that has none of them)."""

ACCEPTED_NAMES = "JPEG, PNG, GIF, WebP or PDF"

MAX_FILENAME = 120
_FALLBACK_STEM = "file"
# Characters that mean something to file systems or to header syntax; replaced by "_".
_RESERVED = re.compile(r'[<>:"/\\|?*;,%]')
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,5}")


def clean_filename(raw: str | None, content_type: str) -> str:
    """The name a file is kept and served under: the last part of what the client sent,
    without control or formatting characters (bidi overrides) or characters that are special
    to file systems and headers, without leading dots, at most ``MAX_FILENAME`` characters,
    and ending in an extension of ``content_type`` (a different one is replaced)."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = " ".join(_RESERVED.sub("_", name).split()).strip(" .")
    extensions = ACCEPTED_TYPES[content_type]
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    elif extension.lower() in extensions:
        extension = extension.lower()
    elif not _EXTENSION.fullmatch(extension):
        stem, extension = name, ""
    else:
        extension = ""
    extension = extension or extensions[0]
    stem = stem.strip(" .")[: MAX_FILENAME - len(extension) - 1].rstrip(" .") or _FALLBACK_STEM
    return f"{stem}.{extension}"


def new_storage_key(owner_id: uuid.UUID, file_id: uuid.UUID) -> str:
    """A key no content has had yet: ``<owner id>/<file id>.<random>``. The owner's folder keeps
    a person's files together in the storage."""
    return f"{owner_id}/{file_id}.{secrets.token_hex(12)}"


@frozen(kw_only=True)
class Received:
    """What an upload turned out to be, once all its bytes went to the storage."""

    content_type: str
    size: int
    sha256: str
    """Hex digest of the bytes; served as the ETag."""


@define(slots=False, kw_only=True)
class StoredFile(EventRecorder):
    owner_id: uuid.UUID
    content_type: str
    size: int
    sha256: str
    filename: str
    public: bool
    """Anyone may download a public file (gallery images, avatars); a private one only its
    owner and administrators."""
    storage_key: str
    created_at: datetime
    updated_at: datetime
    id: uuid.UUID = field(factory=new_id)
    version: int = 1

    @classmethod
    def upload(
        cls,
        *,
        file_id: uuid.UUID,
        owner_id: uuid.UUID,
        received: Received,
        filename: str | None,
        public: bool,
        storage_key: str,
        now: datetime,
    ) -> StoredFile:
        file = cls(
            id=file_id,
            owner_id=owner_id,
            content_type=received.content_type,
            size=received.size,
            sha256=received.sha256,
            filename=clean_filename(filename, received.content_type),
            public=public,
            storage_key=storage_key,
            created_at=now,
            updated_at=now,
        )
        file.record(
            events.FileUploaded(
                occurred_at=now,
                file_id=file.id,
                owner_id=owner_id,
                content_type=file.content_type,
                size=file.size,
                public=public,
            )
        )
        return file

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def visible_to(self, actor: Actor) -> bool:
        return self.public or self.changeable_by(actor)

    def changeable_by(self, actor: Actor) -> bool:
        return actor.is_admin or (actor.user_id is not None and actor.user_id == self.owner_id)

    def replace(
        self,
        *,
        received: Received,
        filename: str | None,
        public: bool | None,
        storage_key: str,
        actor_id: uuid.UUID,
        now: datetime,
    ) -> None:
        """New content under a new key; the name too when one is given, else the old name with
        the extension of the new type. The caller deletes the old key after committing."""
        self.content_type = received.content_type
        self.size = received.size
        self.sha256 = received.sha256
        self.filename = clean_filename(filename or self.filename, received.content_type)
        if public is not None:
            self.public = public
        self.storage_key = storage_key
        self.updated_at = now
        self.record(
            events.FileReplaced(
                occurred_at=now,
                file_id=self.id,
                owner_id=self.owner_id,
                actor_id=actor_id,
                content_type=self.content_type,
                size=self.size,
                public=self.public,
            )
        )

    def delete(self, *, actor_id: uuid.UUID, now: datetime) -> None:
        """Record the deletion; the repository removes the row, the caller the bytes."""
        self.record(
            events.FileDeleted(
                occurred_at=now, file_id=self.id, owner_id=self.owner_id, actor_id=actor_id
            )
        )
