"""Grouped counts for the admin statistics, shared by every context's section."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Table, func, select

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

__all__ = ["count_by", "count_per_day", "count_rows", "latest"]


async def count_rows(uow: SqlUnitOfWork, table: Table, *where: ColumnElement[bool]) -> int:
    return int(await uow.scalar(select(func.count()).select_from(table).where(*where)) or 0)


async def count_by(uow: SqlUnitOfWork, column: Any, values: Iterable[str]) -> dict[str, int]:
    """Rows per value of ``column`` (an enum or text column), for every one of ``values``."""
    rows: Any = await uow.execute(select(column, func.count()).group_by(column))
    found = {str(getattr(row[0], "value", row[0])): int(row[1]) for row in rows}
    return {value: found.get(value, 0) for value in values}


async def count_per_day(uow: SqlUnitOfWork, created: Any, since: datetime) -> dict[date, int]:
    """Rows per UTC day of ``created`` (a ``UtcDateTime`` column), from ``since`` on."""
    if uow.dialect_name == "postgresql":
        day: Any = func.date(func.timezone("UTC", created))
    else:  # SQLite keeps naive UTC text: its first ten characters are the day
        day = func.substr(created, 1, 10)
    statement = select(day, func.count()).where(created >= since).group_by(day)
    rows: Any = await uow.execute(statement)
    return {
        row[0] if isinstance(row[0], date) else date.fromisoformat(row[0]): int(row[1])
        for row in rows
    }


async def latest(uow: SqlUnitOfWork, limit: int, *columns: Any) -> list[Any]:
    """The ``limit`` newest rows of ``columns``, the second of which is the creation time."""
    if limit == 0:
        return []
    statement = select(*columns).order_by(columns[1].desc()).limit(limit)
    return list(await uow.execute(statement))
