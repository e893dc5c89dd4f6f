"""The search index in SQL: the ``search_documents`` table and the database's full-text search.

Each document keeps its folded text in ``name_text``, ``keyword_text`` and ``body_text``
(see ``alora_core.booking.search.model.fold``); the database indexes those columns itself,
so this module only ever writes the table:

- PostgreSQL: a generated ``tsv`` column, ``setweight(to_tsvector('simple', ...))`` of the
  three columns weighted A, B and C, with a GIN index. Queries are ``to_tsquery`` of prefix
  terms (``elec:* & mull:*``) ranked by ``ts_rank``.
- SQLite: the FTS5 table ``search_fts`` (``unicode61 remove_diacritics 2``, prefix indexes)
  over the same columns as external content, kept in step by triggers. Queries are quoted
  prefix terms (``"elec"* "mull"*``) ranked by ``bm25`` with the same order of weights.

Both are made by the migration ``0012_search`` and are not in ``metadata`` (schema comparisons
skip them: ``UNMAPPED_NAMES``). The ``simple`` configuration and the tokenizer neither
stem nor drop stop words, so both databases match the same words. Terms are folded words
(letters and digits only), so no input can change a query's syntax.

What may change without an event to the index is read live at query time: the account
(``users``: role, suspension, profile visibility), the profile's rate and review counters
(``professional_profiles``) and whether a service is active and not deleted (``services``).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    Table,
    Uuid,
    and_,
    case,
    cast,
    column,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    table,
    type_coerce,
    update,
)

from adapters.sqlalchemy.database import metadata
from adapters.sqlalchemy.identity.tables import users_table
from adapters.sqlalchemy.types import JsonOf, UtcDateTime
from alora_core.booking.search.model import (
    CATEGORY_SEPARATOR,
    Kind,
    SearchDocument,
    SearchHit,
    SearchQuery,
    Sort,
    Suggestion,
    rating_of,
)
from alora_core.identity.model import Role, Visibility
from alora_core.shared.money import Money
from alora_core.shared.pagination import Page

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

__all__ = ["FTS_TABLE", "TSV_COLUMN", "TSV_INDEX", "SqlSearchIndex", "search_documents_table"]

# Made by the migrations beside the table; schema comparisons skip them.
UNMAPPED_NAMES = frozenset({"search_fts", "search_documents.tsv", "ix_search_documents_tsv"})

FTS_TABLE = "search_fts"
TSV_COLUMN = "tsv"
TSV_INDEX = "ix_search_documents_tsv"
# Relative weights of name, keywords and body: PostgreSQL's defaults for weights A, B and C
# (1.0, 0.4, 0.2), and the bm25 column weights on SQLite in the same proportions.
BM25_WEIGHTS = (5.0, 2.0, 1.0)
# pg_advisory_xact_lock(space, key): the space of search documents (any 32-bit constant that
# no other lock of Alora uses), the key a hash of the document's ref id.
LOCK_SPACE = 0x5EA4C4

search_documents_table = Table(
    "search_documents",
    metadata,
    # An integer key so SQLite's FTS5 index can point at rows with a rowid that never changes.
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("ref_id", Uuid, nullable=False, unique=True),
    Column("label", String, nullable=False),
    Column("summary", String, nullable=False),
    Column("categories", JsonOf(list[str]), nullable=False),
    Column("category_keys", String, nullable=False),
    Column("name_text", String, nullable=False),
    Column("keyword_text", String, nullable=False),
    Column("body_text", String, nullable=False),
)

_d = search_documents_table.c
_u = users_table.c
# Read live, by their pinned columns, without depending on the modules that define them.
_profiles = table(
    "professional_profiles",
    column("id", Uuid),
    column("hourly_rate_amount", BigInteger),
    column("hourly_rate_currency", String),
    column("review_count", Integer),
    column("rating_total", Integer),
)
_services = table(
    "services", column("id", Uuid), column("active", Boolean), column("deleted_at", UtcDateTime)
)
_p = _profiles.c
_s = _services.c
_visibility = type_coerce(_u.settings, JSON)["profile_visibility"].as_string()
_fts = table(FTS_TABLE, column("rowid", Integer))


def _average() -> ColumnElement[Any]:
    return case((_p.review_count > 0, cast(_p.rating_total, Float) / _p.review_count))


def _visible(signed_in: bool) -> ColumnElement[bool]:
    audiences = [Visibility.PUBLIC.value]
    if signed_in:
        audiences.append(Visibility.REGISTERED.value)
    professional = and_(
        _d.kind == Kind.PROFESSIONAL.value,
        _p.id.is_not(None),
        _u.role == Role.PROFESSIONAL.value,
        _u.suspended_at.is_(None),
        _visibility.in_(audiences),
    )
    service = and_(_d.kind == Kind.SERVICE.value, _s.active, _s.deleted_at.is_(None))
    return or_(professional, service)


def _from(statement: Select[Any]) -> Select[Any]:
    is_professional = _d.kind == Kind.PROFESSIONAL.value
    return statement.select_from(
        search_documents_table.outerjoin(users_table, and_(is_professional, _u.id == _d.ref_id))
        .outerjoin(_profiles, and_(is_professional, _p.id == _d.ref_id))
        .outerjoin(_services, and_(_d.kind == Kind.SERVICE.value, _s.id == _d.ref_id))
    )


class SqlSearchIndex:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    # -- writing ------------------------------------------------------------------------------

    async def lock(self, ref_id: uuid.UUID) -> None:
        # SQLite needs none: every writing transaction holds the database's write lock.
        if self._uow.dialect_name == "postgresql":
            digest = hashlib.blake2b(ref_id.bytes, digest_size=4).digest()
            key = int.from_bytes(digest, "big", signed=True)
            await self._uow.execute(select(func.pg_advisory_xact_lock(LOCK_SPACE, key)))

    async def put(self, document: SearchDocument) -> None:
        values = {
            "kind": document.kind.value,
            "label": document.label,
            "summary": document.summary,
            "categories": list(document.categories),
            "category_keys": document.category_keys,
            "name_text": document.name,
            "keyword_text": document.keywords,
            "body_text": document.body,
        }
        # Callers hold ``lock(ref_id)``: no one inserts the same document in between.
        result = await self._uow.execute(
            update(search_documents_table).where(_d.ref_id == document.ref_id).values(values)
        )
        if getattr(result, "rowcount", 0) == 0:
            await self._uow.execute(
                insert(search_documents_table).values(ref_id=document.ref_id, **values)
            )

    async def remove(self, ref_id: uuid.UUID) -> None:
        await self._uow.execute(delete(search_documents_table).where(_d.ref_id == ref_id))

    # -- reading the sources ------------------------------------------------------------------

    async def indexed(self) -> dict[uuid.UUID, Kind]:
        rows = await self._uow.execute(select(_d.ref_id, _d.kind))
        return {row.ref_id: Kind(row.kind) for row in rows}

    async def sources(self) -> dict[uuid.UUID, Kind]:
        services = await self._uow.execute(select(_s.id).where(_s.deleted_at.is_(None)))
        profiles = await self._uow.execute(select(_p.id))
        found = {service_id: Kind.SERVICE for (service_id,) in services}
        found.update({user_id: Kind.PROFESSIONAL for (user_id,) in profiles})
        return found

    async def display_name(self, user_id: uuid.UUID) -> str | None:
        return await self._uow.scalar(select(_u.full_name).where(_u.id == user_id))

    # -- queries ------------------------------------------------------------------------------

    async def search(self, query: SearchQuery) -> Page[SearchHit]:
        conditions = [_visible(query.signed_in), _d.kind.in_([k.value for k in query.kinds])]
        if query.category is not None:
            separator = CATEGORY_SEPARATOR
            conditions.append(_d.category_keys.contains(f"{separator}{query.category}{separator}"))
        if query.min_rate is not None:
            conditions.append(_p.hourly_rate_amount >= query.min_rate)
        if query.max_rate is not None:
            conditions.append(_p.hourly_rate_amount <= query.max_rate)

        statement, rank = self._matching(
            _from(
                select(
                    _d.kind,
                    _d.ref_id,
                    _d.label,
                    _d.summary,
                    _d.categories,
                    _p.hourly_rate_amount,
                    _p.hourly_rate_currency,
                    _p.review_count,
                    _p.rating_total,
                    func.count().over().label("total"),
                )
            ),
            query.terms,
            names_only=False,
        )
        order: list[Any] = []
        if query.sort is Sort.RATE:
            order.append(_p.hourly_rate_amount.asc().nulls_last())
        elif query.sort is Sort.RATING:
            order += [_average().desc().nulls_last(), _p.review_count.desc().nulls_last()]
        if rank is not None:
            order.append(rank)
        order += [self._by_name(), _d.ref_id]
        page = query.page
        statement = (
            statement.where(*conditions).order_by(*order).offset(page.offset).limit(page.page_size)
        )
        rows = list(await self._uow.execute(statement))
        if rows:
            total = int(rows[0].total)
        elif page.page > 1:  # past the last page: count on their own
            counted, _ = self._matching(_from(select(func.count())), query.terms, names_only=False)
            total = int(await self._uow.scalar(counted.where(*conditions)) or 0)
        else:
            total = 0
        return Page(
            items=[_hit(row) for row in rows],
            total=total,
            page=page.page,
            page_size=page.page_size,
        )

    async def suggest(
        self, terms: Sequence[str], *, signed_in: bool, limit: int
    ) -> list[Suggestion]:
        statement, rank = self._matching(
            _from(select(_d.kind, _d.ref_id, _d.label)), terms, names_only=True
        )
        statement = (
            statement.where(_visible(signed_in))
            .order_by(rank, self._by_name(), _d.ref_id)
            .limit(limit)
        )
        rows = await self._uow.execute(statement)
        return [Suggestion(kind=Kind(row.kind), id=row.ref_id, label=row.label) for row in rows]

    def _matching(
        self, statement: Select[Any], terms: Sequence[str], *, names_only: bool
    ) -> tuple[Select[Any], Any | None]:
        """``statement`` kept to the documents matching every term, and the ordering by
        relevance, best first (None without terms)."""
        if not terms:
            return statement, None
        if self._uow.dialect_name == "postgresql":
            weight = "A" if names_only else ""
            tsquery = func.to_tsquery(
                literal_column("'simple'::regconfig"),
                " & ".join(f"{term}:*{weight}" for term in terms),
            )
            tsv: ColumnElement[Any] = literal_column(f"search_documents.{TSV_COLUMN}")
            return statement.where(tsv.op("@@")(tsquery)), func.ts_rank(tsv, tsquery).desc()
        phrases = " ".join(f'"{term.replace(chr(34), chr(34) * 2)}"*' for term in terms)
        fts: ColumnElement[Any] = literal_column(FTS_TABLE)
        # bm25() only works in the query that reads the FTS5 table: rank in a subquery.
        matched = (
            select(_fts.c.rowid.label("id"), func.bm25(fts, *BM25_WEIGHTS).label("rank"))
            .where(fts.op("MATCH")(f"name_text : ({phrases})" if names_only else phrases))
            .subquery("matched")
        )
        joined = statement.join_from(search_documents_table, matched, matched.c.id == _d.id)
        return joined, matched.c.rank.asc()

    def _by_name(self) -> Any:
        # Code-point order, as Python sorts the in-memory index.
        if self._uow.dialect_name == "postgresql":
            return _d.name_text.collate("C")
        return _d.name_text


def _hit(row: Any) -> SearchHit:
    rate = None
    if row.hourly_rate_amount is not None and row.hourly_rate_currency is not None:
        rate = Money(int(row.hourly_rate_amount), row.hourly_rate_currency)
    return SearchHit(
        kind=Kind(row.kind),
        id=row.ref_id,
        label=row.label,
        summary=row.summary,
        categories=tuple(row.categories),
        hourly_rate=rate,
        rating=rating_of(row.review_count, row.rating_total),
    )
