"""The ``notifications`` table, its imperative mapping, the repository and the recipients.

A notification belongs to a user and goes with them (``ON DELETE CASCADE``). Lists read the
index on ``(recipient_id, id)`` backwards (ids are time-ordered, so that is newest first);
unread counts and the held-email sweep each have a partial index on just the rows they count,
and a recipient has at most one unread notification per collapse key (a partial unique index:
two notices of one key delivered at once make one notification, the other's job retries and
updates it).
Recipients are read from identity's users (adapters may cross contexts).

Many notifications at once (an announcement) are one ``INSERT`` of many rows, not ORM objects
flushed one by one, and which recipients exist is read ``RECIPIENTS_PER_STATEMENT`` at a time.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Uuid,
    func,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapper

from adapters.recipients import recipient_from
from adapters.sqlalchemy.database import metadata
from adapters.sqlalchemy.identity.tables import user_owner, users_table
from adapters.sqlalchemy.mapping import map_versioned
from adapters.sqlalchemy.types import JsonDict, UtcDateTime, str_enum
from alora_core.identity.model import User
from alora_core.notifications.model import (
    EmailKind,
    NewNotification,
    Notification,
    NotificationType,
    Recipient,
)

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

__all__ = ["SqlNotifications", "SqlRecipients", "notifications_table"]

_EMAIL_PENDING = "email_due_at IS NOT NULL AND emailed_at IS NULL"
_COLLAPSING = "read_at IS NULL AND collapse_key IS NOT NULL"

notifications_table = Table(
    "notifications",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("recipient_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("type", str_enum(NotificationType), nullable=False),
    Column("title", String, nullable=False),
    Column("body", String, nullable=False),
    Column("link", String, nullable=True),
    Column("data", JsonDict, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("read_at", UtcDateTime, nullable=True),
    Column("email_kind", str_enum(EmailKind), nullable=True),
    Column("email_due_at", UtcDateTime, nullable=True),
    Column("emailed_at", UtcDateTime, nullable=True),
    Column("collapse_key", String, nullable=True),
    Column("version", Integer, nullable=False),
    Index("ix_notifications_recipient_id_id", "recipient_id", "id"),
    Index(
        "ix_notifications_unread",
        "recipient_id",
        "id",
        postgresql_where=text("read_at IS NULL"),
        sqlite_where=text("read_at IS NULL"),
    ),
    Index(
        "ix_notifications_email_due_at",
        "email_due_at",
        postgresql_where=text(_EMAIL_PENDING),
        sqlite_where=text(_EMAIL_PENDING),
    ),
    Index(
        "ux_notifications_unread_collapse_key",
        "recipient_id",
        "collapse_key",
        unique=True,
        postgresql_where=text(_COLLAPSING),
        sqlite_where=text(_COLLAPSING),
    ),
)

notification_mapper: Mapper[Any] = map_versioned(
    Notification, notifications_table, _orm_user=user_owner()
)

_n = notifications_table.c

RECIPIENTS_PER_STATEMENT = 500
"""Ids in one ``IN (...)`` when checking which of many recipients exist."""


def _unread_of(recipient_id: uuid.UUID) -> list[ColumnElement[bool]]:
    return [_n.recipient_id == recipient_id, _n.read_at.is_(None)]


class SqlNotifications:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def add(self, notification: Notification) -> None:
        self._uow.add(notification)

    async def add_many(self, new: Sequence[NewNotification]) -> None:
        if not new:
            return
        rows = [
            {
                "id": n.id,
                "recipient_id": n.recipient_id,
                "type": n.type,
                "title": n.title,
                "body": n.body,
                "link": n.link,
                "data": n.data,
                "created_at": n.created_at,
                "read_at": None,
                "email_kind": n.email_kind,
                "email_due_at": n.email_due_at,
                "emailed_at": None,
                "collapse_key": n.collapse_key,
                "version": 1,
            }
            for n in new
        ]
        await self._uow.insert_many(notifications_table, rows)
        self._uow.record_events(n.created() for n in new)

    async def get(self, notification_id: uuid.UUID) -> Notification | None:
        return await self._uow.get(Notification, notification_id)

    async def get_for_update(self, notification_id: uuid.UUID) -> Notification | None:
        return await self._uow.get(Notification, notification_id, for_update=True)

    async def page(
        self, recipient_id: uuid.UUID, *, before: uuid.UUID | None, limit: int, unread_only: bool
    ) -> list[Notification]:
        where = _unread_of(recipient_id) if unread_only else [_n.recipient_id == recipient_id]
        if before is not None:
            where.append(_n.id < before)
        statement = select(Notification).where(*where).order_by(_n.id.desc()).limit(limit)
        return await self._uow.scalars(statement)

    async def count_unread(self, recipient_id: uuid.UUID) -> int:
        statement = select(func.count()).select_from(notifications_table)
        return int(await self._uow.scalar(statement.where(*_unread_of(recipient_id))) or 0)

    async def unread_of_key(self, recipient_id: uuid.UUID, key: str) -> Notification | None:
        statement = (
            select(Notification)
            .where(*_unread_of(recipient_id), _n.collapse_key == key)
            .with_for_update()
        )
        return await self._uow.first(statement)

    async def mark_all_read(self, recipient_id: uuid.UUID, now: datetime) -> list[uuid.UUID]:
        statement = (
            update(notifications_table)
            .where(*_unread_of(recipient_id))
            .values(read_at=now, version=_n.version + 1)
            .returning(_n.id)
        )
        return list((await self._uow.execute(statement)).scalars().all())

    async def delete(self, notification: Notification) -> None:
        await self._uow.delete(notification)

    async def due_emails(self, now: datetime, limit: int) -> list[Notification]:
        statement = (
            select(Notification)
            .where(_n.email_due_at.is_not(None), _n.email_due_at <= now, _n.emailed_at.is_(None))
            .order_by(_n.email_due_at, _n.id)
            .limit(limit)
            .with_for_update(skip_locked=True)  # SQLite has no row locks; its writers queue
        )
        return await self._uow.scalars(statement)


class SqlRecipients:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def get(self, user_id: uuid.UUID) -> Recipient | None:
        user = await self._uow.get(User, user_id)
        if user is None:
            return None
        return recipient_from(user.id, user.email, user.full_name, user.settings)

    async def existing(self, user_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        ids = list(dict.fromkeys(user_ids))
        found: set[uuid.UUID] = set()
        for start in range(0, len(ids), RECIPIENTS_PER_STATEMENT):
            chunk = ids[start : start + RECIPIENTS_PER_STATEMENT]
            statement = select(users_table.c.id).where(users_table.c.id.in_(chunk))
            found.update((await self._uow.execute(statement)).scalars())
        return found
