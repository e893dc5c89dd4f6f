"""FAQ entries, feedback, contact messages and the about page in memory, through a
``MemoryUnitOfWork``.

Mirrors ``adapters.sqlalchemy.content.repositories``: the same filters and order, the same
pages. The about page has a fixed id; like the database's primary key, a second one refuses to
commit.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from adapters.memory.paging import list_page
from alora_core.content.model import (
    ABOUT_PAGE_ID,
    AboutPage,
    ContactMessage,
    ContactStatus,
    Faq,
    Feedback,
    FeedbackStatus,
)
from alora_core.shared.errors import Conflict
from alora_core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork

FAQS = "faqs"
FEEDBACK = "feedback"
CONTACT_MESSAGES = "contact_messages"
ABOUT = "about_page"


class MemoryFaqs:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, faq: Faq) -> None:
        self._uow.add(FAQS, faq)

    async def get(self, faq_id: uuid.UUID) -> Faq | None:
        faq: Faq | None = self._uow.load(FAQS, faq_id)
        return faq

    async def list(self, type: str | None, include_inactive: bool) -> list[Faq]:
        found = self._uow.scan(
            FAQS,
            lambda f: (type is None or f.type == type) and (include_inactive or f.active),
        )
        return sorted(found, key=lambda f: (f.type, f.order, f.id))

    async def delete(self, faq: Faq) -> None:
        self._uow.delete(FAQS, faq)


class MemoryFeedback:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, feedback: Feedback) -> None:
        self._uow.add(FEEDBACK, feedback)

    async def get(self, feedback_id: uuid.UUID) -> Feedback | None:
        feedback: Feedback | None = self._uow.load(FEEDBACK, feedback_id)
        return feedback

    async def page(self, status: FeedbackStatus | None, page: PageRequest) -> Page[Feedback]:
        found = self._uow.scan(FEEDBACK, lambda f: status is None or f.status is status)
        newest_first = sorted(found, key=lambda f: (f.created_at, f.id), reverse=True)
        result: Page[Feedback] = list_page(newest_first, page)
        return result

    async def delete(self, feedback: Feedback) -> None:
        self._uow.delete(FEEDBACK, feedback)


class MemoryContactMessages:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, message: ContactMessage) -> None:
        self._uow.add(CONTACT_MESSAGES, message)

    async def get(self, message_id: uuid.UUID) -> ContactMessage | None:
        message: ContactMessage | None = self._uow.load(CONTACT_MESSAGES, message_id)
        return message

    async def page(self, status: ContactStatus | None, page: PageRequest) -> Page[ContactMessage]:
        found = self._uow.scan(CONTACT_MESSAGES, lambda m: status is None or m.status is status)
        newest_first = sorted(found, key=lambda m: (m.created_at, m.id), reverse=True)
        result: Page[ContactMessage] = list_page(newest_first, page)
        return result

    async def delete(self, message: ContactMessage) -> None:
        self._uow.delete(CONTACT_MESSAGES, message)


class MemoryAboutPages:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def get(self) -> AboutPage | None:
        page: AboutPage | None = self._uow.load(ABOUT, ABOUT_PAGE_ID)
        return page

    async def add(self, page: AboutPage) -> None:
        rows = self._uow.store.rows("about_page")

        def one_page_only() -> None:
            if page.id in rows:
                raise Conflict("the record already exists")

        self._uow.before_commit(one_page_only)
        self._uow.add(ABOUT, page)
