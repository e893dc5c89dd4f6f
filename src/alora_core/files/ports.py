"""What the files context needs from outside: the metadata repository and a way to recognize a
type from the first bytes (the bytes themselves live in ``alora_core.shared.storage``)."""

from __future__ import annotations

import uuid
from typing import Protocol

from alora_core.files.model import StoredFile
from alora_core.shared.uow import UnitOfWork


class Files(Protocol):
    async def add(self, file: StoredFile) -> None: ...

    async def get(self, file_id: uuid.UUID) -> StoredFile | None: ...

    async def get_for_update(self, file_id: uuid.UUID) -> StoredFile | None:
        """The file, locked until commit: concurrent changes to it wait for each other."""
        ...

    async def delete(self, file: StoredFile) -> None: ...


class FilesUnitOfWork(UnitOfWork, Protocol):
    @property
    def files(self) -> Files: ...


class ContentSniffer(Protocol):
    def sniff(self, head: bytes) -> str | None:
        """The media type that the first bytes of a file show (``image/png`` ...), None when
        they show none it knows. ``head`` holds the first ``use_cases.HEAD_BYTES`` bytes, or
        the whole file when it is shorter."""
        ...
