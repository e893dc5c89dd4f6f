"""The content tables (``faqs``, ``feedback``, ``contact_messages``, ``about_page``), their
imperative mappings and the repositories.

- FAQ lists read the index on ``(type, position)``; ``position`` is the entry's ``order`` (a
  word SQL reserves).
- Feedback and contact messages may name the signed-in user who sent them; they go with that
  user (``ON DELETE CASCADE``). Admin lists read newest first, optionally by status, from an
  index on ``(status, created_at, id)`` or ``(created_at, id)``. Ratings are 1 to 5 by a CHECK.
- The about page is one row: its primary key is always ``ABOUT_PAGE_ID``, so a second page is a
  duplicate key, whoever writes it and however concurrently.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ColumnElement,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Uuid,
    select,
)
from sqlalchemy.orm import Mapper

from adapters.sqlalchemy.database import metadata
from adapters.sqlalchemy.identity.tables import user_owner
from adapters.sqlalchemy.mapping import map_versioned
from adapters.sqlalchemy.paging import entity_page
from adapters.sqlalchemy.types import JsonDict, UtcDateTime, _Json, str_enum
from alora_core.content.model import (
    ABOUT_PAGE_ID,
    AboutPage,
    ContactMessage,
    ContactStatus,
    Faq,
    Feedback,
    FeedbackStatus,
    TeamMember,
)
from alora_core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

__all__ = [
    "SqlAboutPages",
    "SqlContactMessages",
    "SqlFaqs",
    "SqlFeedback",
    "about_page_table",
    "contact_messages_table",
    "faqs_table",
    "feedback_table",
]


class _TextList(_Json):
    """A JSON array of strings."""

    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else [str(item) for item in value]

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else [str(item) for item in value]


class _TeamMembers(_Json):
    """A JSON array of ``{name, role, bio, photo_file_id}`` objects (the id as text)."""

    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return [
            {
                "name": member.name,
                "role": member.role,
                "bio": member.bio,
                "photo_file_id": None
                if member.photo_file_id is None
                else str(member.photo_file_id),
            }
            for member in value
        ]

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return [
            TeamMember(
                name=item["name"],
                role=item["role"],
                bio=item.get("bio", ""),
                photo_file_id=None
                if item.get("photo_file_id") is None
                else uuid.UUID(item["photo_file_id"]),
            )
            for item in value
        ]


def _owned(name: str) -> Column[Any]:
    return Column(name, Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=True)


faqs_table = Table(
    "faqs",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("type", String, nullable=False),
    Column("question", String, nullable=False),
    Column("answer", String, nullable=False),
    Column("position", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_faqs_type_position", "type", "position"),
)

feedback_table = Table(
    "feedback",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("rating", Integer, nullable=False),
    Column("subject", String, nullable=False),
    Column("message", String, nullable=False),
    Column("name", String, nullable=False),
    Column("email", String, nullable=False),
    _owned("user_id"),
    Column("status", str_enum(FeedbackStatus), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),
    Index("ix_feedback_created_at", "created_at", "id"),
    Index("ix_feedback_status_created_at", "status", "created_at", "id"),
    Index("ix_feedback_user_id", "user_id"),
)

contact_messages_table = Table(
    "contact_messages",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String, nullable=False),
    Column("email", String, nullable=False),
    Column("phone", String, nullable=True),
    Column("subject", String, nullable=False),
    Column("message", String, nullable=False),
    _owned("user_id"),
    Column("status", str_enum(ContactStatus), nullable=False),
    Column("note", String, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_contact_messages_created_at", "created_at", "id"),
    Index("ix_contact_messages_status_created_at", "status", "created_at", "id"),
    Index("ix_contact_messages_user_id", "user_id"),
)

about_page_table = Table(
    "about_page",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("title", String, nullable=False),
    Column("description", String, nullable=False),
    Column("mission", String, nullable=False),
    Column("vision", String, nullable=False),
    Column("values", _TextList, nullable=False),
    Column("team_members", _TeamMembers, nullable=False),
    Column("contact_email", String, nullable=True),
    Column("contact_phone", String, nullable=True),
    Column("address", String, nullable=False),
    Column("social_links", JsonDict, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("updated_by", Uuid, nullable=True),
    Column("version", Integer, nullable=False),
)

faq_mapper: Mapper[Any] = map_versioned(Faq, faqs_table, order=faqs_table.c.position)
feedback_mapper: Mapper[Any] = map_versioned(Feedback, feedback_table, _orm_user=user_owner())
contact_message_mapper: Mapper[Any] = map_versioned(
    ContactMessage, contact_messages_table, _orm_user=user_owner()
)
about_page_mapper: Mapper[Any] = map_versioned(AboutPage, about_page_table)

_faqs = faqs_table.c
_feedback = feedback_table.c
_messages = contact_messages_table.c


class SqlFaqs:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def add(self, faq: Faq) -> None:
        self._uow.add(faq)

    async def get(self, faq_id: uuid.UUID) -> Faq | None:
        return await self._uow.get(Faq, faq_id)

    async def list(self, type: str | None, include_inactive: bool) -> list[Faq]:
        where: list[ColumnElement[bool]] = []
        if type is not None:
            where.append(_faqs.type == type)
        if not include_inactive:
            where.append(_faqs.active.is_(True))
        statement = select(Faq).where(*where).order_by(_faqs.type, _faqs.position, _faqs.id)
        return await self._uow.scalars(statement)

    async def delete(self, faq: Faq) -> None:
        await self._uow.delete(faq)


class SqlFeedback:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def add(self, feedback: Feedback) -> None:
        self._uow.add(feedback)

    async def get(self, feedback_id: uuid.UUID) -> Feedback | None:
        return await self._uow.get(Feedback, feedback_id)

    async def page(self, status: FeedbackStatus | None, page: PageRequest) -> Page[Feedback]:
        where = [] if status is None else [_feedback.status == status]
        newest_first = [_feedback.created_at.desc(), _feedback.id.desc()]
        return await entity_page(self._uow, Feedback, where, newest_first, page)

    async def delete(self, feedback: Feedback) -> None:
        await self._uow.delete(feedback)


class SqlContactMessages:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def add(self, message: ContactMessage) -> None:
        self._uow.add(message)

    async def get(self, message_id: uuid.UUID) -> ContactMessage | None:
        return await self._uow.get(ContactMessage, message_id)

    async def page(self, status: ContactStatus | None, page: PageRequest) -> Page[ContactMessage]:
        where = [] if status is None else [_messages.status == status]
        newest_first = [_messages.created_at.desc(), _messages.id.desc()]
        return await entity_page(self._uow, ContactMessage, where, newest_first, page)

    async def delete(self, message: ContactMessage) -> None:
        await self._uow.delete(message)


class SqlAboutPages:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def get(self) -> AboutPage | None:
        return await self._uow.get(AboutPage, ABOUT_PAGE_ID)

    async def add(self, page: AboutPage) -> None:
        self._uow.add(page)
