"""Numbered pages of rows with their total, shared by every context's repositories."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ColumnElement, Row, Select, func, select

from alora_core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

__all__ = ["entity_page", "windowed_page"]

T = TypeVar("T")


async def entity_page(
    uow: SqlUnitOfWork,
    entity: type[T],
    where: list[ColumnElement[bool]],
    order_by: Sequence[ColumnElement[Any]],
    page: PageRequest,
) -> Page[T]:
    """One page of ``entity`` rows, plus the total number of matching rows (a COUNT query)."""
    total = int(await uow.scalar(select(func.count()).select_from(entity).where(*where)) or 0)
    rows: list[T] = []
    if page.offset < total:  # else no rows; also keeps absurd offsets away from 64-bit SQL
        statement = select(entity).where(*where).order_by(*order_by)
        rows = await uow.scalars(statement.offset(page.offset).limit(page.page_size))
    return Page(items=rows, total=total, page=page.page, page_size=page.page_size)


async def windowed_page(
    uow: SqlUnitOfWork,
    statement: Select[Any],
    counting: Select[Any],
    page: PageRequest,
    item: Callable[[Row[Any]], T],
) -> Page[T]:
    """One page of ``statement``, which selects ``func.count().over().label("total")`` beside
    its columns, so rows and total come in one query; ``counting`` runs only for a page past
    the last row, where no row carries the total. ``item`` makes each row a read model."""
    rows = (await uow.execute(statement.offset(page.offset).limit(page.page_size))).all()
    if rows:
        total = int(rows[0].total)
    elif page.offset == 0:
        total = 0
    else:
        total = int(await uow.scalar(counting) or 0)
    return Page(
        items=[item(row) for row in rows], total=total, page=page.page, page_size=page.page_size
    )
