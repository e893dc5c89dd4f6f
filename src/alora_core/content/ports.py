"""What the content context needs from the outside world."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Protocol

from alora_core.content.model import (
    AboutPage,
    ContactMessage,
    ContactStatus,
    Faq,
    Feedback,
    FeedbackStatus,
)
from alora_core.shared.pagination import Page, PageRequest
from alora_core.shared.uow import UnitOfWork


class Faqs(Protocol):
    async def add(self, faq: Faq) -> None: ...

    async def get(self, faq_id: uuid.UUID) -> Faq | None: ...

    async def list(self, type: str | None, include_inactive: bool) -> list[Faq]:
        """Every entry of ``type`` (None: of every type), inactive ones only when asked for,
        ordered by type, order and id."""
        ...

    async def delete(self, faq: Faq) -> None: ...


class FeedbackEntries(Protocol):
    async def add(self, feedback: Feedback) -> None: ...

    async def get(self, feedback_id: uuid.UUID) -> Feedback | None: ...

    async def page(self, status: FeedbackStatus | None, page: PageRequest) -> Page[Feedback]:
        """Newest first (ties by id), with the total of entries that match."""
        ...

    async def delete(self, feedback: Feedback) -> None: ...


class ContactMessages(Protocol):
    async def add(self, message: ContactMessage) -> None: ...

    async def get(self, message_id: uuid.UUID) -> ContactMessage | None: ...

    async def page(self, status: ContactStatus | None, page: PageRequest) -> Page[ContactMessage]:
        """Newest first (ties by id), with the total of messages that match."""
        ...

    async def delete(self, message: ContactMessage) -> None: ...


class AboutPages(Protocol):
    async def get(self) -> AboutPage | None:
        """The about page; None until it is initialized."""
        ...

    async def add(self, page: AboutPage) -> None:
        """Store the page; when one exists already, commit raises ``Conflict``."""
        ...


class AdminEmails(Protocol):
    async def emails(self) -> list[str]:
        """The email addresses of the administrators who are not suspended, sorted."""
        ...


class OwnImages(Protocol):
    """The uploaded files the about page may show (the files context's, read here)."""

    async def images_of(
        self, owner_id: uuid.UUID, file_ids: Collection[uuid.UUID]
    ) -> set[uuid.UUID]:
        """Those of ``file_ids`` that name an image uploaded by ``owner_id``."""
        ...


class ContentUnitOfWork(UnitOfWork, Protocol):
    @property
    def faqs(self) -> Faqs: ...

    @property
    def feedback(self) -> FeedbackEntries: ...

    @property
    def contact_messages(self) -> ContactMessages: ...

    @property
    def about(self) -> AboutPages: ...

    @property
    def admins(self) -> AdminEmails: ...

    @property
    def own_images(self) -> OwnImages: ...
