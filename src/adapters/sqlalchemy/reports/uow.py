"""Reports' unit of work in SQL: the daily activity reports and the figures they count."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.repository import repository
from adapters.sqlalchemy.identity.readers import SqlAdminEmails
from adapters.sqlalchemy.reports.repositories import (
    SqlActivityFigures,
    SqlActivityReports,
)
from adapters.sqlalchemy.uow import SqlUnitOfWork

if TYPE_CHECKING:
    from alora_core.reports.ports import ReportsUnitOfWork


class SqlReportsUnitOfWork(SqlUnitOfWork):
    reports = repository(SqlActivityReports)
    activity_figures = repository(SqlActivityFigures)
    admins = repository(SqlAdminEmails)


if TYPE_CHECKING:

    def _conforms(uow: SqlReportsUnitOfWork) -> ReportsUnitOfWork:
        return uow
