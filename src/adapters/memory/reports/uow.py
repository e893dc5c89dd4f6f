"""Reports' unit of work in memory: the daily activity reports and the figures they count."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.memory.identity.readers import MemoryAdminEmails
from adapters.memory.reports.repositories import (
    MemoryActivityFigures,
    MemoryActivityReports,
)
from adapters.memory.store import TableSpec
from adapters.memory.uow import MemoryUnitOfWork
from adapters.repository import repository

if TYPE_CHECKING:
    from alora_core.reports.ports import ReportsUnitOfWork


class MemoryReportsUnitOfWork(MemoryUnitOfWork):
    tables = (TableSpec("reports", unique=("day",)),)

    reports = repository(MemoryActivityReports)
    activity_figures = repository(MemoryActivityFigures)
    admins = repository(MemoryAdminEmails)


if TYPE_CHECKING:

    def _conforms(uow: MemoryReportsUnitOfWork) -> ReportsUnitOfWork:
        return uow
