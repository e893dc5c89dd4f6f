"""Identity's unit of work in SQL: users, sessions (with their refresh tokens), codes and
devices."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.repository import repository
from adapters.sqlalchemy.files.readers import SqlOwnImages
from adapters.sqlalchemy.identity.repositories import SqlCodes, SqlDevices, SqlSessions, SqlUsers
from adapters.sqlalchemy.identity.statistics import SqlUserStatistics
from adapters.sqlalchemy.uow import SqlUnitOfWork

if TYPE_CHECKING:
    from alora_core.identity.ports import IdentityUnitOfWork


class SqlIdentityUnitOfWork(SqlUnitOfWork):
    users = repository(SqlUsers)
    sessions = repository(SqlSessions)
    codes = repository(SqlCodes)
    devices = repository(SqlDevices)
    statistics = repository(SqlUserStatistics)
    own_images = repository(SqlOwnImages)


if TYPE_CHECKING:

    def _conforms(uow: SqlIdentityUnitOfWork) -> IdentityUnitOfWork:
        return uow
