"""Messaging's ``People``: identity's users, read for their public fields and settings."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, select

from adapters.sqlalchemy.identity.tables import users_table
from alora_core.identity.model import Role, Visibility
from alora_core.messaging.people import Person

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

_u = users_table.c
_COLUMNS = (
    _u.id,
    _u.full_name,
    _u.username,
    _u.avatar_file_id,
    _u.role,
    _u.suspended_at,
    _u.settings,
)


class SqlPeople:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def get(self, user_id: uuid.UUID) -> Person | None:
        return (await self.get_many([user_id])).get(user_id)

    async def get_many(self, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Person]:
        if not user_ids:
            return {}
        rows = await self._uow.execute(select(*_COLUMNS).where(_u.id.in_(set(user_ids))))
        return {row.id: _person(row) for row in rows}


def _person(row: Row[Any]) -> Person:
    settings = row.settings
    return Person(
        id=row.id,
        full_name=row.full_name,
        username=row.username,
        avatar_file_id=row.avatar_file_id,
        is_admin=row.role == Role.ADMIN,
        active=row.suspended_at is None,
        private=settings.profile_visibility is Visibility.PRIVATE,
        allow_direct_messages=settings.allow_direct_messages,
        show_read_receipts=settings.show_read_receipts,
    )
