"""The search index in memory, through a ``MemoryUnitOfWork``.

Mirrors ``adapters.sqlalchemy.booking.search`` on the cases that matter: the same folded
words, every query term matching the start of a word, name before keywords before body in
the ranking (a plain weighted count of matching words, not the databases' formulas), the
same filters, sorts and tie-breaks, and the same live checks of accounts, profiles and
services at query time.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from attrs import define

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
from alora_core.identity.model import Role, User, Visibility
from alora_core.shared.pagination import Page

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork

TABLE = "search_documents"
WEIGHTS = (5, 2, 1)
"""Name, keywords, body: the proportions the SQL adapter gives the databases."""


@define
class IndexedDocument:
    """A row of the in-memory table: the document under its ``ref_id``."""

    id: uuid.UUID
    document: SearchDocument


@define
class _Match:
    document: SearchDocument
    score: int
    profile: Any | None


class MemorySearchIndex:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    # -- writing ------------------------------------------------------------------------------

    async def lock(self, ref_id: uuid.UUID) -> None:
        return None  # memory commits are atomic

    async def put(self, document: SearchDocument) -> None:
        self._uow.add(TABLE, IndexedDocument(document.ref_id, document))

    async def remove(self, ref_id: uuid.UUID) -> None:
        row = self._uow.load(TABLE, ref_id)
        if row is not None:
            self._uow.delete(TABLE, row)

    # -- reading the sources ------------------------------------------------------------------

    async def indexed(self) -> dict[uuid.UUID, Kind]:
        return {row.id: row.document.kind for row in self._documents()}

    async def sources(self) -> dict[uuid.UUID, Kind]:
        found = {
            service_id: Kind.SERVICE
            for service_id, service in self._rows("services").items()
            if service.deleted_at is None
        }
        found.update(dict.fromkeys(self._rows("professional_profiles"), Kind.PROFESSIONAL))
        return found

    async def display_name(self, user_id: uuid.UUID) -> str | None:
        user: User | None = self._uow.load("users", user_id)
        return None if user is None else user.full_name

    # -- queries ------------------------------------------------------------------------------

    async def search(self, query: SearchQuery) -> Page[SearchHit]:
        matches: list[_Match] = []
        wanted_category = (
            None
            if query.category is None
            else f"{CATEGORY_SEPARATOR}{query.category}{CATEGORY_SEPARATOR}"
        )
        for row in self._documents():
            document = row.document
            if document.kind not in query.kinds:
                continue
            if wanted_category is not None and wanted_category not in document.category_keys:
                continue
            visible, profile = self._visible(document, query.signed_in)
            if not visible:
                continue
            rate = _rate(profile)
            if query.min_rate is not None and (rate is None or rate < query.min_rate):
                continue
            if query.max_rate is not None and (rate is None or rate > query.max_rate):
                continue
            score = _score(document, query.terms, names_only=False)
            if score is None:
                continue
            matches.append(_Match(document, score, profile))

        matches.sort(key=lambda match: _order(match, query.sort))
        page = query.page
        chosen = matches[page.offset : page.offset + page.page_size]
        return Page(
            items=[_hit(match) for match in chosen],
            total=len(matches),
            page=page.page,
            page_size=page.page_size,
        )

    async def suggest(
        self, terms: Sequence[str], *, signed_in: bool, limit: int
    ) -> list[Suggestion]:
        matches = []
        for row in self._documents():
            visible, profile = self._visible(row.document, signed_in)
            score = _score(row.document, terms, names_only=True) if visible else None
            if score is not None:
                matches.append(_Match(row.document, score, profile))
        matches.sort(key=lambda match: _order(match, Sort.RELEVANCE))
        return [
            Suggestion(kind=m.document.kind, id=m.document.ref_id, label=m.document.label)
            for m in matches[:limit]
        ]

    # -- helpers ------------------------------------------------------------------------------

    def _documents(self) -> Iterator[IndexedDocument]:
        return self._uow.scan(TABLE, lambda _row: True)

    def _rows(self, table: str) -> Mapping[uuid.UUID, Any]:
        found = self._uow.store.tables.get(table)
        return {} if found is None else found.rows

    def _visible(self, document: SearchDocument, signed_in: bool) -> tuple[bool, Any | None]:
        """Whether the live records let the viewer find the document, and the profile."""
        if document.kind is Kind.SERVICE:
            service = self._rows("services").get(document.ref_id)
            return service is not None and service.active and service.deleted_at is None, None
        profile = self._rows("professional_profiles").get(document.ref_id)
        user = self._rows("users").get(document.ref_id)
        if profile is None or user is None:
            return False, None
        audiences = {Visibility.PUBLIC, Visibility.REGISTERED} if signed_in else {Visibility.PUBLIC}
        visible = (
            user.role is Role.PROFESSIONAL
            and user.suspended_at is None
            and user.settings.profile_visibility in audiences
        )
        return visible, profile


def _score(document: SearchDocument, terms: Sequence[str], *, names_only: bool) -> int | None:
    """The weighted count of words starting with a term; None unless every term matches."""
    fields = [document.name] if names_only else [document.name, document.keywords, document.body]
    total = 0
    for term in terms:
        found = 0
        for weight, text in zip(WEIGHTS, fields, strict=False):
            found += weight * sum(1 for word in text.split() if word.startswith(term))
        if not found:
            return None
        total += found
    return total


def _rate(profile: Any | None) -> int | None:
    rate = None if profile is None else profile.hourly_rate
    return None if rate is None else int(rate.amount)


def _average(profile: Any | None) -> float | None:
    if profile is None or not profile.review_count:
        return None
    return float(profile.rating_total) / int(profile.review_count)


def _order(match: _Match, sort: Sort) -> tuple[Any, ...]:
    key: tuple[Any, ...] = ()
    if sort is Sort.RATE:
        rate = _rate(match.profile)
        key = (rate is None, rate or 0)
    elif sort is Sort.RATING:
        average = _average(match.profile)
        count = None if match.profile is None else match.profile.review_count
        key = (average is None, -(average or 0.0), count is None, -(count or 0))
    return (*key, -match.score, match.document.name, match.document.ref_id)


def _hit(match: _Match) -> SearchHit:
    document, profile = match.document, match.profile
    return SearchHit(
        kind=document.kind,
        id=document.ref_id,
        label=document.label,
        summary=document.summary,
        categories=document.categories,
        hourly_rate=None if profile is None else profile.hourly_rate,
        rating=None if profile is None else rating_of(profile.review_count, profile.rating_total),
    )
