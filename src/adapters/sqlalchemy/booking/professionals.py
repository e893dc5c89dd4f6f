"""The ``professional_profiles`` table, its imperative mapping, the repository and the directory.

A profile's id is its user's id and goes with the user (``ON DELETE CASCADE``). The offer's
lists, the service area and the whole schedule (time zone, weekly hours, date exceptions, booking
rules) are JSON columns; the hourly rate is two columns (``hourly_rate_amount``,
``hourly_rate_currency``) mapped to one ``Money`` (both NULL: no rate). ``review_count`` and
``rating_total`` are written only by the reviews part, with relative updates: the mapping
never includes them in an UPDATE, because the aggregate never changes them.

The directory is one statement per page: profiles joined with their users, the visibility rule
and the filters in SQL, the number of matches beside each row (``count(*) OVER ()``). List
filters test JSON arrays for an element: ``@>`` on PostgreSQL (JSONB), ``json_each`` on SQLite.
Gallery files are read from the files part's ``files`` table by its pinned columns only.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Uuid,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Composite, Mapper

from adapters.sqlalchemy.database import metadata
from adapters.sqlalchemy.identity.tables import users_table
from adapters.sqlalchemy.mapping import map_versioned
from adapters.sqlalchemy.paging import windowed_page
from adapters.sqlalchemy.types import JsonOf, UtcDateTime
from alora_core.booking.professionals.availability import Schedule
from alora_core.booking.professionals.model import (
    PersonName,
    ProfessionalProfile,
    ServiceArea,
)
from alora_core.booking.professionals.queries import (
    DirectoryEntry,
    DirectoryFilter,
    Sort,
    Viewer,
)
from alora_core.identity.model import Role
from alora_core.shared.money import Money
from alora_core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from sqlalchemy.engine import Row

    from adapters.sqlalchemy.uow import SqlUnitOfWork

__all__ = [
    "SqlProfessionalDirectory",
    "SqlProfessionals",
    "professional_profiles_table",
]

professional_profiles_table = Table(
    "professional_profiles",
    metadata,
    Column("id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("categories", JsonOf(list[str]), nullable=False),
    Column("service_ids", JsonOf(list[uuid.UUID]), nullable=False),
    Column("skills", JsonOf(list[str]), nullable=False),
    Column("bio", String, nullable=False),
    Column("hourly_rate_amount", BigInteger, nullable=True),
    Column("hourly_rate_currency", String(3), nullable=True),
    Column("gallery_file_ids", JsonOf(list[uuid.UUID]), nullable=False),
    Column("service_area", JsonOf(ServiceArea), nullable=False),
    Column("schedule", JsonOf(Schedule), nullable=False),
    Column("search_text", String, nullable=False),
    Column("area_keys", JsonOf(list[str]), nullable=False),
    Column("review_count", Integer, nullable=False, server_default=text("0")),
    Column("rating_total", Integer, nullable=False, server_default=text("0")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_professional_profiles_created_at", "created_at"),
    Index("ix_professional_profiles_hourly_rate_amount", "hourly_rate_amount"),
)
_p = professional_profiles_table.c
_u = users_table.c


class _MoneyColumns(Composite):  # type: ignore[type-arg]
    """``Money`` over an amount and a currency column; None when both are NULL.

    ``Money`` is an attrs class (not a dataclass and without ``__composite_values__``), so the
    composite is told how to take one apart.
    """

    def _init_accessor(self) -> None:
        self._generated_composite_accessor = _money_columns
        super()._init_accessor()


def _money_columns(money: Money) -> tuple[int, str]:
    return (money.amount, money.currency)


profile_mapper: Mapper[Any] = map_versioned(
    ProfessionalProfile,
    professional_profiles_table,
    hourly_rate=_MoneyColumns(
        Money,
        _p.hourly_rate_amount,
        _p.hourly_rate_currency,
        return_none_on=lambda amount, currency: amount is None or currency is None,
    ),
)


class SqlProfessionals:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def add(self, profile: ProfessionalProfile) -> None:
        self._uow.add(profile)

    async def get(self, professional_id: uuid.UUID) -> ProfessionalProfile | None:
        return await self._uow.get(ProfessionalProfile, professional_id)


# --- the directory ------------------------------------------------------------------------------

_settings = type_coerce(_u.settings, JSON)
_visibility = func.coalesce(_settings["profile_visibility"].as_string(), literal("public"))
_ENTRY_COLUMNS = (
    _p.id,
    _u.full_name,
    _u.username,
    _u.avatar_file_id,
    _p.bio,
    _p.categories,
    _p.service_ids,
    _p.skills,
    _p.hourly_rate_amount,
    _p.hourly_rate_currency,
    _p.service_area,
    type_coerce(_p.schedule, JSON)["timezone"].as_string().label("timezone"),
    _p.gallery_file_ids,
    _p.review_count,
    _p.rating_total,
    _p.created_at,
    _u.email,
    _u.phone,
    _settings["show_email"].as_boolean().label("show_email"),
    _settings["show_phone"].as_boolean().label("show_phone"),
)
_average = case((_p.review_count > 0, _p.rating_total * literal(1.0) / _p.review_count), else_=None)
_ORDER = {
    Sort.RATING: (_average.desc().nulls_last(), _p.review_count.desc(), _p.id.desc()),
    Sort.RATE: (_p.hourly_rate_amount.asc().nulls_last(), _p.id.desc()),
    Sort.NEWEST: (_p.created_at.desc(), _p.id.desc()),
}
_joined = professional_profiles_table.join(users_table, _u.id == _p.id)


def _visible_to(viewer: Viewer) -> ColumnElement[bool]:
    """Identity's rule for public profiles (see ``queries``), for professionals."""
    professional = _u.role == Role.PROFESSIONAL
    if viewer.is_admin:
        return professional
    seen = and_(_u.suspended_at.is_(None), _visibility.in_(viewer.visibilities))
    if viewer.user_id is not None:
        seen = or_(seen, _u.id == viewer.user_id)
    return and_(professional, seen)


class SqlProfessionalDirectory:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def page(
        self, where: DirectoryFilter, viewer: Viewer, page: PageRequest
    ) -> Page[DirectoryEntry]:
        conditions = [_visible_to(viewer), *self._filters(where)]
        statement = (
            select(*_ENTRY_COLUMNS, func.count().over().label("total"))
            .select_from(_joined)
            .where(*conditions)
            .order_by(*_ORDER[where.sort])
        )
        counting = select(func.count()).select_from(_joined).where(*conditions)
        return await windowed_page(self._uow, statement, counting, page, _entry)

    async def get(self, professional_id: uuid.UUID, viewer: Viewer) -> DirectoryEntry | None:
        statement = (
            select(*_ENTRY_COLUMNS)
            .select_from(_joined)
            .where(_p.id == professional_id, _visible_to(viewer))
        )
        row = (await self._uow.execute(statement)).first()
        return None if row is None else _entry(row)

    async def name_of(self, user_id: uuid.UUID) -> PersonName | None:
        statement = select(_u.full_name, _u.username).where(_u.id == user_id)
        row = (await self._uow.execute(statement)).first()
        return None if row is None else PersonName(row.full_name, row.username)

    def _filters(self, where: DirectoryFilter) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if where.category is not None:
            conditions.append(self._holds(_p.categories, where.category))
        if where.service_id is not None:
            conditions.append(self._holds(_p.service_ids, str(where.service_id)))
        if where.area is not None:
            conditions.append(self._holds(_p.area_keys, where.area))
        if where.min_rating is not None:
            conditions.append(_p.review_count > 0)
            conditions.append(_p.rating_total >= where.min_rating * _p.review_count)
        if where.max_rate is not None:
            conditions.append(_p.hourly_rate_amount <= where.max_rate)
        if where.text is not None:
            conditions.append(_p.search_text.contains(where.text, autoescape=True))
        return conditions

    def _holds(self, array: Column[Any], value: str) -> ColumnElement[bool]:
        """Whether the JSON array in ``array`` has ``value`` as an element."""
        if self._uow.dialect_name == "postgresql":
            return type_coerce(array, JSONB).contains(type_coerce([value], JSONB))
        elements = func.json_each(array).table_valued("value").alias()
        return exists().select_from(elements).where(elements.c.value == value)


def _entry(row: Row[Any]) -> DirectoryEntry:
    amount, currency = row.hourly_rate_amount, row.hourly_rate_currency
    return DirectoryEntry(
        id=row.id,
        name=PersonName(row.full_name, row.username),
        avatar_file_id=row.avatar_file_id,
        bio=row.bio,
        categories=row.categories,
        service_ids=row.service_ids,
        skills=row.skills,
        hourly_rate=None if amount is None or currency is None else Money(amount, currency),
        service_area=row.service_area,
        timezone=row.timezone or "UTC",
        gallery_file_ids=row.gallery_file_ids,
        review_count=row.review_count,
        rating_total=row.rating_total,
        created_at=row.created_at,
        email=row.email,
        phone=row.phone,
        show_email=bool(row.show_email),
        show_phone=bool(row.show_phone),
    )
