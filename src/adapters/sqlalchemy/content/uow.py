"""Content's unit of work in SQL: FAQ, feedback, contact messages and the about page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.repository import repository
from adapters.sqlalchemy.content.repositories import (
    SqlAboutPages,
    SqlContactMessages,
    SqlFaqs,
    SqlFeedback,
)
from adapters.sqlalchemy.content.statistics import SqlContentStatistics
from adapters.sqlalchemy.files.readers import SqlOwnImages
from adapters.sqlalchemy.identity.readers import SqlAdminEmails
from adapters.sqlalchemy.uow import SqlUnitOfWork

if TYPE_CHECKING:
    from alora_core.content.ports import ContentUnitOfWork


class SqlContentUnitOfWork(SqlUnitOfWork):
    faqs = repository(SqlFaqs)
    feedback = repository(SqlFeedback)
    contact_messages = repository(SqlContactMessages)
    about = repository(SqlAboutPages)
    admins = repository(SqlAdminEmails)
    own_images = repository(SqlOwnImages)
    statistics = repository(SqlContentStatistics)


if TYPE_CHECKING:

    def _conforms(uow: SqlContentUnitOfWork) -> ContentUnitOfWork:
        return uow
