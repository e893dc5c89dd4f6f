"""Content's unit of work in memory: FAQ, feedback, contact messages and the about page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.memory.content.repositories import (
    MemoryAboutPages,
    MemoryContactMessages,
    MemoryFaqs,
    MemoryFeedback,
)
from adapters.memory.content.statistics import MemoryContentStatistics
from adapters.memory.files.readers import MemoryOwnImages
from adapters.memory.identity.readers import MemoryAdminEmails
from adapters.memory.store import Reference, TableSpec
from adapters.memory.uow import MemoryUnitOfWork
from adapters.repository import repository

if TYPE_CHECKING:
    from alora_core.content.ports import ContentUnitOfWork

_OF_USER = (Reference("user_id", "users"),)


class MemoryContentUnitOfWork(MemoryUnitOfWork):
    tables = (
        TableSpec("faqs"),
        TableSpec("feedback", references=_OF_USER),
        TableSpec("contact_messages", references=_OF_USER),
        TableSpec("about_page"),
    )

    faqs = repository(MemoryFaqs)
    feedback = repository(MemoryFeedback)
    contact_messages = repository(MemoryContactMessages)
    about = repository(MemoryAboutPages)
    admins = repository(MemoryAdminEmails)
    own_images = repository(MemoryOwnImages)
    statistics = repository(MemoryContentStatistics)


if TYPE_CHECKING:

    def _conforms(uow: MemoryContentUnitOfWork) -> ContentUnitOfWork:
        return uow
