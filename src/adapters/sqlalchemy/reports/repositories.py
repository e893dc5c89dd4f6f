"""The reports context in SQL: the ``activity_reports`` table, its mapping and repository, and
the queries that count activity and find administrators (over identity's tables, read-only).

Notifications are counted from the ``notifications`` table when the application defines one
(the notifications context); without it the count is 0.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, ColumnElement, Date, Integer, Table, Uuid, func, select
from sqlalchemy.orm import Mapper

from adapters.sqlalchemy.database import metadata
from adapters.sqlalchemy.identity.tables import sessions_table, users_table
from adapters.sqlalchemy.mapping import mapper_registry
from adapters.sqlalchemy.types import JsonDict, UtcDateTime
from alora_core.identity.model import Role
from alora_core.reports.model import ActivityCounts, ActivityReport

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

__all__ = [
    "SqlActivityFigures",
    "SqlActivityReports",
    "activity_reports_table",
]

activity_reports_table = Table(
    "activity_reports",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("day", Date, nullable=False, unique=True),
    Column("new_users_by_role", JsonDict, nullable=False),
    Column("logins", Integer, nullable=False),
    Column("notifications_sent", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

report_mapper: Mapper[Any] = mapper_registry.map_imperatively(
    ActivityReport, activity_reports_table
)

_reports = activity_reports_table.c
_users = users_table.c
_sessions = sessions_table.c


class SqlActivityReports:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def add(self, report: ActivityReport) -> None:
        self._uow.add(report)

    async def get_by_day(self, day: date) -> ActivityReport | None:
        return await self._uow.first(select(ActivityReport).where(_reports.day == day))


class SqlActivityFigures:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def collect(self, start: datetime, end: datetime) -> ActivityCounts:
        def within(column: Any) -> list[ColumnElement[bool]]:
            return [column >= start, column < end]

        by_role = select(_users.role, func.count().label("n")).where(*within(_users.created_at))
        rows = (await self._uow.execute(by_role.group_by(_users.role))).all()
        logins = select(func.count()).select_from(sessions_table)
        notifications = 0
        table = _notifications_table()
        if table is not None:
            statement = select(func.count()).select_from(table)
            notifications = await self._count(statement.where(*within(table.c.created_at)))
        return ActivityCounts(
            new_users_by_role={Role(row.role).value: int(row.n) for row in rows},
            logins=await self._count(logins.where(*within(_sessions.created_at))),
            notifications_sent=notifications,
        )

    async def _count(self, statement: Any) -> int:
        return int(await self._uow.scalar(statement) or 0)


def _notifications_table() -> Table | None:
    return metadata.tables.get("notifications")
