"""In-memory adapters of the reports context, reading through a ``MemoryUnitOfWork``."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from alora_core.identity.model import Session, User
from alora_core.reports.model import ActivityCounts, ActivityReport

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork


class MemoryActivityReports:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, report: ActivityReport) -> None:
        self._uow.add("reports", report)

    async def get_by_day(self, day: date) -> ActivityReport | None:
        return next(self._uow.scan("reports", lambda r: r.day == day), None)


class MemoryActivityFigures:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def collect(self, start: datetime, end: datetime) -> ActivityCounts:
        def within(row: Any) -> bool:
            return bool(start <= row.created_at < end)

        users: list[User] = list(self._uow.scan("users", within))
        sessions: list[Session] = list(self._uow.scan("sessions", within))
        notifications = 0
        if "notifications" in self._uow.store.tables:  # a table of the notifications context
            notifications = sum(1 for _ in self._uow.scan("notifications", within))
        return ActivityCounts(
            new_users_by_role=dict(Counter(user.role.value for user in users)),
            logins=len(sessions),
            notifications_sent=notifications,
        )
