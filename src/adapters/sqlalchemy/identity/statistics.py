"""Identity's section of the admin statistics, counted in SQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.sqlalchemy.counting import count_by, latest
from adapters.sqlalchemy.identity.tables import users_table
from alora_core.identity.model import Role
from alora_core.identity.statistics import UserFigures, user_registered
from alora_core.shared.statistics import StatisticsWindow

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

_users = users_table.c


class SqlUserStatistics:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def collect(self, window: StatisticsWindow) -> UserFigures:
        rows = await latest(
            self._uow, window.recent, _users.id, _users.created_at, _users.username, _users.role
        )
        return UserFigures(
            users_by_role=await count_by(self._uow, _users.role, [role.value for role in Role]),
            recent=[user_registered(row[0], row[1], row[2], Role(row[3]).value) for row in rows],
        )
