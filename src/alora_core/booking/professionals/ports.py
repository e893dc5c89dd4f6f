"""What professional profiles need from the outside world."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Protocol

from alora_core.booking.catalog.model import Service
from alora_core.booking.professionals.model import ProfessionalProfile
from alora_core.booking.professionals.queries import Directory
from alora_core.shared.uow import UnitOfWork


class Profiles(Protocol):
    async def add(self, profile: ProfessionalProfile) -> None: ...

    async def get(self, professional_id: uuid.UUID) -> ProfessionalProfile | None: ...


class GalleryFiles(Protocol):
    async def images_of(self, owner_id: uuid.UUID, file_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Those of ``file_ids`` that name an uploaded image owned by ``owner_id``."""
        ...


class OfferedServices(Protocol):
    async def get(self, service_id: uuid.UUID) -> Service | None:
        """The service; None when there is none or it was deleted."""
        ...


class ProfessionalsUnitOfWork(UnitOfWork, Protocol):
    @property
    def professionals(self) -> Profiles: ...

    @property
    def professional_directory(self) -> Directory: ...

    @property
    def gallery_files(self) -> GalleryFiles: ...

    @property
    def services(self) -> OfferedServices: ...
