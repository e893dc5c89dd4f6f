"""What the reports context needs from the outside world."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from alora_core.reports.model import ActivityCounts, ActivityReport
from alora_core.shared.uow import UnitOfWork


class ActivityReports(Protocol):
    async def add(self, report: ActivityReport) -> None:
        """Store a new report; a second report for the same day makes commit raise Conflict."""
        ...

    async def get_by_day(self, day: date) -> ActivityReport | None: ...


class ActivityFigures(Protocol):
    async def collect(self, start: datetime, end: datetime) -> ActivityCounts:
        """Count, over ``[start, end)``: accounts created (by role), sessions opened, and
        notifications created."""
        ...


class Admins(Protocol):
    async def emails(self) -> list[str]:
        """The email addresses of the administrators who are not suspended, sorted."""
        ...


class ReportsUnitOfWork(UnitOfWork, Protocol):
    @property
    def reports(self) -> ActivityReports: ...

    @property
    def activity_figures(self) -> ActivityFigures: ...

    @property
    def admins(self) -> Admins: ...
