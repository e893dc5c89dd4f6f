"""Search's use cases: search, autocomplete, and keeping the index in step with its sources.

``refresh`` is the one way a document is written: it re-reads the current state of the
professional or service and puts or removes its document, so running it twice, late or out
of order leaves the same index (the handlers and ``reindex`` both use it).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from alora_core.booking.search import commands as c
from alora_core.booking.search.model import (
    MAX_QUERY_LENGTH,
    MIN_SUGGEST_LENGTH,
    SUGGESTIONS,
    Kind,
    ReindexReport,
    SearchDocument,
    SearchHit,
    SearchQuery,
    Suggestion,
    category_key,
    words,
)
from alora_core.booking.search.ports import SearchUnitOfWork
from alora_core.shared.errors import Invalid
from alora_core.shared.pagination import Page, PageRequest

MAX_CATEGORY_LENGTH = 100
MAX_RATE = 10**12
"""Largest hourly-rate bound accepted, in minor units."""
MAX_BATCH_SIZE = 1000


async def search(cmd: c.Search, uow: SearchUnitOfWork) -> Page[SearchHit]:
    query = _query(cmd)
    if query is None:  # search text or category without a single word: nothing can match
        page = PageRequest(cmd.page, cmd.page_size)
        return Page(items=[], total=0, page=page.page, page_size=page.page_size)
    async with uow.reading():
        return await uow.search.search(query)


async def autocomplete(cmd: c.Autocomplete, uow: SearchUnitOfWork) -> list[Suggestion]:
    text = cmd.q.strip()
    if len(text) < MIN_SUGGEST_LENGTH:
        raise Invalid.field("q", f"give at least {MIN_SUGGEST_LENGTH} characters")
    if len(text) > MAX_QUERY_LENGTH:
        raise Invalid.field("q", f"must be at most {MAX_QUERY_LENGTH} characters")
    terms = words(text)
    if not terms:
        return []
    async with uow.reading():
        return await uow.search.suggest(terms, signed_in=cmd.viewer.is_signed_in, limit=SUGGESTIONS)


async def reindex(cmd: c.Reindex, uow: SearchUnitOfWork) -> ReindexReport:
    """Refresh every document there should be and every document there is, a batch per
    transaction. Safe to run while the handlers run, and to run again."""
    if not 1 <= cmd.batch_size <= MAX_BATCH_SIZE:
        raise Invalid.field("batch_size", f"must be from 1 to {MAX_BATCH_SIZE}")
    async with uow.reading():
        wanted = await uow.search.sources()
        indexed = await uow.search.indexed()
    every = {**indexed, **wanted}
    ids = sorted(every)
    kept = {Kind.SERVICE: 0, Kind.PROFESSIONAL: 0}
    removed = 0
    for start in range(0, len(ids), cmd.batch_size):
        async with uow:
            batch_kept = dict.fromkeys(Kind, 0)
            batch_removed = 0
            for ref_id in ids[start : start + cmd.batch_size]:
                kind = every[ref_id]
                if await refresh(kind, ref_id, uow):
                    batch_kept[kind] += 1
                else:
                    batch_removed += ref_id in indexed
            await uow.commit()
        for kind, count in batch_kept.items():
            kept[kind] += count
        removed += batch_removed
    return ReindexReport(
        services=kept[Kind.SERVICE], professionals=kept[Kind.PROFESSIONAL], removed=removed
    )


async def refresh(kind: Kind, ref_id: uuid.UUID, uow: SearchUnitOfWork) -> bool:
    """Index the professional or service as it is now, inside an open unit of work (the
    caller commits); True when it has a document, False when it has none (any is removed)."""
    await uow.search.lock(ref_id)
    document = await _document(kind, ref_id, uow)
    if document is None:
        await uow.search.remove(ref_id)
        return False
    await uow.search.put(document)
    return True


async def _document(kind: Kind, ref_id: uuid.UUID, uow: SearchUnitOfWork) -> SearchDocument | None:
    if kind is Kind.SERVICE:
        service = await uow.services.get(ref_id)
        if service is None:
            return None
        return SearchDocument.of(
            Kind.SERVICE,
            ref_id,
            name=service.title,
            categories=[service.category],
            keywords=[],
            body=service.description,
        )
    profile = await uow.professionals.get(ref_id)
    if profile is None:
        return None
    name = await uow.search.display_name(ref_id)
    if name is None:
        return None
    return SearchDocument.of(
        Kind.PROFESSIONAL,
        ref_id,
        name=name,
        categories=profile.categories,
        keywords=profile.skills,
        body=profile.bio,
    )


def _query(cmd: c.Search) -> SearchQuery | None:
    page = PageRequest(cmd.page, cmd.page_size)
    text = (cmd.q or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise Invalid.field("q", f"must be at most {MAX_QUERY_LENGTH} characters")
    kinds = frozenset(Kind) if cmd.type is None else frozenset({cmd.type})
    for name, value in (("min_rate", cmd.min_rate), ("max_rate", cmd.max_rate)):
        if value is not None and not 0 <= value <= MAX_RATE:
            raise Invalid.field(name, f"must be from 0 to {MAX_RATE} (minor units)")
    if cmd.min_rate is not None and cmd.max_rate is not None and cmd.max_rate < cmd.min_rate:
        raise Invalid.field("max_rate", "must not be below minRate")
    category = (cmd.category or "").strip()
    if len(category) > MAX_CATEGORY_LENGTH:
        raise Invalid.field("category", f"must be at most {MAX_CATEGORY_LENGTH} characters")
    terms = words(text)
    key = category_key(category) if category else None
    if (text and not terms) or key == "":
        return None
    return SearchQuery(
        terms=tuple(terms),
        kinds=kinds,
        category=key,
        min_rate=cmd.min_rate,
        max_rate=cmd.max_rate,
        sort=cmd.sort,
        signed_in=cmd.viewer.is_signed_in,
        page=page,
    )


USE_CASES: dict[type, Callable[..., Any]] = {
    c.Search: search,
    c.Autocomplete: autocomplete,
    c.Reindex: reindex,
}


def command_handlers() -> dict[type, Callable[..., Any]]:
    """Each search command bound to its use case."""
    return dict(USE_CASES)
