"""Reads of identity's tables that other contexts' ports ask for (adapters may cross contexts;
the core's contexts do not)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from adapters.sqlalchemy.identity.tables import users_table
from alora_core.identity.model import Role

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

_users = users_table.c


class SqlAdminEmails:
    """The email addresses of the administrators who are not suspended, sorted."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def emails(self) -> list[str]:
        statement = (
            select(_users.email)
            .where(_users.role == Role.ADMIN, _users.suspended_at.is_(None))
            .order_by(_users.email)
        )
        return [str(email) for email in await self._uow.scalars(statement)]
