"""The reports context in SQL: the ``activity_reports`` table, its mapping and repository, and
the queries that count activity and find administrators (over identity's tables, read-only).

Notifications are counted from the ``notifications`` table when the application defines one
(the notifications context); without it the count is 0.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, ColumnElement, Date, Integer, Table, Uuid, func, select
from sqlalchemy.orm import Mapper

from adapters.sqlalchemy.booking.bookings import bookings_table
from adapters.sqlalchemy.booking.professionals import professional_profiles_table
from adapters.sqlalchemy.booking.reviews import reviews_table
from adapters.sqlalchemy.booking.services import services_table
from adapters.sqlalchemy.content import contact_messages_table, faqs_table, feedback_table
from adapters.sqlalchemy.database import import_all_tables, metadata
from adapters.sqlalchemy.files import files_table
from adapters.sqlalchemy.identity import mapper_registry, sessions_table, users_table
from adapters.sqlalchemy.types import JsonDict, UtcDateTime
from alora_core.booking.bookings.model import BookingStatus
from alora_core.content.model import ContactStatus, FeedbackStatus
from alora_core.identity.model import Role
from alora_core.reports import queries as q
from alora_core.reports.model import ActivityCounts, ActivityReport

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork

__all__ = [
    "SqlActivityFigures",
    "SqlActivityReports",
    "SqlAdmins",
    "SqlPlatformFigures",
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
    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        self._uow = uow

    async def add(self, report: ActivityReport) -> None:
        self._uow.add(report)

    async def get_by_day(self, day: date) -> ActivityReport | None:
        return await self._uow.first(select(ActivityReport).where(_reports.day == day))


class SqlActivityFigures:
    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
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
    return import_all_tables().tables.get("notifications")


class SqlAdmins:
    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        self._uow = uow

    async def emails(self) -> list[str]:
        statement = (
            select(_users.email)
            .where(_users.role == Role.ADMIN, _users.suspended_at.is_(None))
            .order_by(_users.email)
        )
        return [str(email) for email in await self._uow.scalars(statement)]


class SqlPlatformFigures:
    """A dozen small grouped queries over the contexts' tables (each one index or table scan)."""

    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        self._uow = uow

    async def collect(self, since: datetime, recent: int) -> q.PlatformFigures:
        _b, _r, _s = bookings_table.c, reviews_table.c, services_table.c
        _f, _m = feedback_table.c, contact_messages_table.c
        reviews: Any = (await self._uow.execute(select(func.count(), func.sum(_r.rating)))).one()
        review_count, rating_total = int(reviews[0]), int(reviews[1] or 0)
        live = _s.deleted_at.is_(None)
        return q.PlatformFigures(
            users_by_role=await self._by(Role, _users.role),
            bookings_by_status=await self._by(BookingStatus, _b.status),
            bookings_by_day=await self._per_day(since),
            review_count=review_count,
            rating_total=rating_total,
            content=q.ContentCounts(
                services=await self._count(services_table, live),
                active_services=await self._count(services_table, live, _s.active.is_(True)),
                professionals=await self._count(professional_profiles_table),
                faqs=await self._count(faqs_table),
                feedback_by_status=await self._by(FeedbackStatus, _f.status),
                contact_messages_by_status=await self._by(ContactStatus, _m.status),
                files=await self._count(files_table),
            ),
            recent=await self._recent(recent),
        )

    async def _count(self, table: Table, *where: ColumnElement[bool]) -> int:
        return int(
            await self._uow.scalar(select(func.count()).select_from(table).where(*where)) or 0
        )

    async def _by(self, values: type[StrEnum], column: Any) -> dict[str, int]:
        rows: Any = await self._uow.execute(select(column, func.count()).group_by(column))
        found = {str(getattr(row[0], "value", row[0])): int(row[1]) for row in rows}
        return {value.value: found.get(value.value, 0) for value in values}

    async def _per_day(self, since: datetime) -> dict[date, int]:
        created = bookings_table.c.created_at
        if self._uow.dialect_name == "postgresql":
            day: Any = func.date(func.timezone("UTC", created))
        else:  # SQLite keeps naive UTC text: its first ten characters are the day
            day = func.substr(created, 1, 10)
        statement = select(day, func.count()).where(created >= since).group_by(day)
        rows: Any = await self._uow.execute(statement)
        return {
            row[0] if isinstance(row[0], date) else date.fromisoformat(row[0]): int(row[1])
            for row in rows
        }

    async def _recent(self, limit: int) -> list[q.Activity]:
        if limit == 0:
            return []
        _b, _r = bookings_table.c, reviews_table.c
        _f, _m = feedback_table.c, contact_messages_table.c

        async def latest(*columns: Any) -> list[Any]:
            created = columns[1]
            statement = select(*columns).order_by(created.desc()).limit(limit)
            return list(await self._uow.execute(statement))

        found = [
            *(
                q.user_registered(row[0], row[1], row[2], Role(row[3]).value)
                for row in await latest(_users.id, _users.created_at, _users.username, _users.role)
            ),
            *(q.booking_requested(*row) for row in await latest(_b.id, _b.created_at, _b.start_at)),
            *(q.review_created(*row) for row in await latest(_r.id, _r.created_at, _r.rating)),
            *(q.feedback_received(*row) for row in await latest(_f.id, _f.created_at, _f.subject)),
            *(q.contact_received(*row) for row in await latest(_m.id, _m.created_at, _m.subject)),
        ]
        return q.newest(found, limit)
