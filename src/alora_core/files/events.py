"""Files' events. They carry metadata only, never the bytes."""

from __future__ import annotations

import uuid
from typing import ClassVar

from attrs import frozen

from alora_core.shared.events import DomainEvent


@frozen(kw_only=True)
class FileUploaded(DomainEvent):
    name: ClassVar[str] = "file.uploaded"
    file_id: uuid.UUID
    owner_id: uuid.UUID
    content_type: str
    size: int
    public: bool


@frozen(kw_only=True)
class FileReplaced(DomainEvent):
    """The file's content (and perhaps its visibility) changed; ``actor_id`` made the change."""

    name: ClassVar[str] = "file.replaced"
    file_id: uuid.UUID
    owner_id: uuid.UUID
    actor_id: uuid.UUID
    content_type: str
    size: int
    public: bool


@frozen(kw_only=True)
class FileDeleted(DomainEvent):
    name: ClassVar[str] = "file.deleted"
    file_id: uuid.UUID
    owner_id: uuid.UUID
    actor_id: uuid.UUID
