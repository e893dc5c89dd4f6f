"""Connection requests racing for real, in parallel transactions on PostgreSQL: a burst of one
identical request leaves one pending request, and two users asking each other at the same
instant end up with exactly one connection and no request pending."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import ColumnElement, Table, func, select

from adapters.sqlalchemy.messaging.connections import connection_requests_table, connections_table
from alora_core.messaging.connections.errors import RequestRefused
from alora_core.messaging.connections.model import RequestStatus
from alora_core.messaging.connections.queries import RequestView
from conftest import empty_tables
from contexts.messaging.connections_harness import Social, open_social
from support.backends import Backend

BURST = 30
CROSSINGS = 5


@pytest.fixture
async def social(migrated_postgres_url: str, tmp_path: Path) -> AsyncIterator[Social]:
    await empty_tables(migrated_postgres_url)
    backend = Backend("postgres", migrated_postgres_url, tmp_path / "var")
    try:
        yield await open_social(backend, ALORA_MESSAGING_MAX_OPEN_REQUESTS="50")
    finally:
        await backend.close()


async def counted(social: Social, table: Table, *where: ColumnElement[bool]) -> int:
    async with social.alora.units_of_work["messaging"]().reading() as uow:
        found = await uow.scalar(select(func.count()).select_from(table).where(*where))
    return int(found or 0)


async def test_a_burst_of_one_request_leaves_one_pending(social: Social) -> None:
    ana, ben = await social.user("ana"), await social.user("ben")
    outcomes = await asyncio.gather(
        *(social.ask(ana, ben) for _ in range(BURST)), return_exceptions=True
    )
    sent = [o for o in outcomes if isinstance(o, RequestView)]
    refused = [o for o in outcomes if not isinstance(o, RequestView)]
    assert len(sent) == 1, outcomes
    assert all(isinstance(o, RequestRefused) and o.reason == "request-pending" for o in refused)
    r = connection_requests_table.c
    assert await counted(social, connection_requests_table, r.sender_id == ana) == 1


async def test_crossing_requests_at_the_same_instant_make_one_connection(social: Social) -> None:
    for round_number in range(CROSSINGS):
        ana, ben = await social.user(f"ana{round_number}"), await social.user(f"ben{round_number}")
        outcomes = await asyncio.gather(social.ask(ana, ben), social.ask(ben, ana))
        statuses = Counter(view.request.status for view in outcomes)
        # The first stays pending until the second, finding it, accepts it: both answers
        # name one request, accepted in the end.
        assert statuses[RequestStatus.ACCEPTED] >= 1, outcomes
        assert len({view.request.id for view in outcomes}) == 1
        c, r = connections_table.c, connection_requests_table.c
        low, high = sorted((ana, ben))
        assert await counted(social, connections_table, c.user_low == low, c.user_high == high) == 1
        assert (
            await counted(
                social,
                connection_requests_table,
                r.user_low == low,
                r.status == RequestStatus.PENDING,
            )
            == 0
        )
        assert await social.connections(ana) == [ben]


def test_ids_order_as_the_database_orders_them() -> None:
    ids = sorted(uuid.uuid4() for _ in range(100))
    assert ids == sorted(ids, key=lambda value: value.bytes)
