"""The ``services`` table, its imperative mapping and the repository.

Titles are unique among live services ignoring case: a unique index on ``lower(title)`` over
the rows with no ``deleted_at`` (SQLite's ``lower`` folds like Python's, see ``database``), so
a race between two writers ends in ``Conflict`` naming ``title``. ``search_text`` holds title
and description folded for case- and accent-insensitive search; lists read it with ``LIKE``.

A list is one statement: the page's rows with the number of matches beside each
(``count(*) OVER ()``); only a page past the last one asks for the count on its own.

Deleting takes the service ``FOR UPDATE`` before it looks for open bookings; booking takes it
``FOR SHARE``. The two locks exclude each other on PostgreSQL (SQLite runs one writer at a
time), so a booking and the deletion of its service never both succeed. Open bookings are read
from the ``bookings`` table by its pinned columns only (``service_id``, ``status``).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Index,
    Integer,
    String,
    Table,
    Uuid,
    column,
    func,
    select,
    table,
    text,
)
from sqlalchemy.orm import Mapper

from adapters.sqlalchemy.database import metadata
from adapters.sqlalchemy.mapping import map_versioned
from adapters.sqlalchemy.paging import windowed_page
from adapters.sqlalchemy.types import UtcDateTime
from alora_core.booking.catalog.model import Service
from alora_core.booking.catalog.queries import ServiceFilter, ServiceView
from alora_core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from sqlalchemy.engine import Row

    from adapters.sqlalchemy.uow import SqlUnitOfWork

__all__ = ["SqlServices", "services_table"]

_LIVE = "deleted_at IS NULL"

services_table = Table(
    "services",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("title", String, nullable=False),
    Column("description", String, nullable=False),
    Column("category", String, nullable=False),
    Column("icon", String, nullable=True),
    Column("color", String, nullable=True),
    Column("active", Boolean, nullable=False),
    Column("search_text", String, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("deleted_at", UtcDateTime, nullable=True),
    Column("version", Integer, nullable=False),
)
_s = services_table.c

Index(
    "uq_services_title",
    func.lower(_s.title),
    unique=True,
    postgresql_where=text(_LIVE),
    sqlite_where=text(_LIVE),
)
Index(
    "ix_services_category",
    _s.category,
    postgresql_where=text(_LIVE),
    sqlite_where=text(_LIVE),
)

service_mapper: Mapper[Any] = map_versioned(Service, services_table)

# The bookings part owns this table; only its pinned columns are read here.
_bookings = table("bookings", column("service_id", Uuid), column("status", String))
_OPEN_STATUSES = ("pending", "confirmed")

_VIEW_COLUMNS = (
    _s.id,
    _s.title,
    _s.description,
    _s.category,
    _s.icon,
    _s.color,
    _s.active,
    _s.created_at,
    _s.updated_at,
    _s.version,
)


class SqlServices:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def add(self, service: Service) -> None:
        self._uow.add(service)

    async def get(self, service_id: uuid.UUID) -> Service | None:
        return _live(await self._uow.get(Service, service_id))

    async def get_for_share(self, service_id: uuid.UUID) -> Service | None:
        return await self._locked(service_id, read=True)

    async def get_for_update(self, service_id: uuid.UUID) -> Service | None:
        return await self._locked(service_id, read=False)

    async def _locked(self, service_id: uuid.UUID, *, read: bool) -> Service | None:
        statement = (
            select(Service)
            .where(_s.id == service_id, _s.deleted_at.is_(None))
            .with_for_update(read=read)  # SQLite has no row locks; its writers queue
            .execution_options(populate_existing=True)
        )
        return await self._uow.first(statement)

    async def titles_in_use(self, keys: Collection[str]) -> set[str]:
        if not keys:
            return set()
        lowered = func.lower(_s.title)
        statement = select(lowered).where(lowered.in_(list(keys)), _s.deleted_at.is_(None))
        return set(await self._uow.scalars(statement))

    async def has_open_bookings(self, service_id: uuid.UUID) -> bool:
        statement = (
            select(_bookings.c.service_id)
            .where(
                _bookings.c.service_id == service_id,
                _bookings.c.status.in_(_OPEN_STATUSES),
            )
            .limit(1)
        )
        return await self._uow.scalar(statement) is not None

    async def page(self, where: ServiceFilter, page: PageRequest) -> Page[ServiceView]:
        conditions = _conditions(where)
        statement = (
            select(*_VIEW_COLUMNS, func.count().over().label("total"))
            .where(*conditions)
            .order_by(_s.search_text, _s.id)  # by title, ignoring case and accents
        )
        counting = select(func.count()).select_from(services_table).where(*conditions)
        return await windowed_page(self._uow, statement, counting, page, _view)


def _view(row: Row[Any]) -> ServiceView:
    return ServiceView(
        id=row.id,
        title=row.title,
        description=row.description,
        category=row.category,
        icon=row.icon,
        color=row.color,
        active=row.active,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def _live(service: Service | None) -> Service | None:
    return service if service is not None and service.deleted_at is None else None


def _conditions(where: ServiceFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [_s.deleted_at.is_(None)]
    if where.active is not None:
        conditions.append(_s.active == where.active)
    if where.category is not None:
        conditions.append(_s.category == where.category)
    if where.text:
        conditions.append(_s.search_text.contains(where.text, autoescape=True))
    return conditions
