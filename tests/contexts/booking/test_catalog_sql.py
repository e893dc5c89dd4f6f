"""What only a database shows of the services catalog, on SQLite and PostgreSQL: one statement
per list, the deleted row kept for past bookings, and a booking racing the deletion of its
service (on PostgreSQL row locks decide; SQLite serializes its writers)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from alora_core.booking.catalog import commands as c
from alora_core.booking.catalog.errors import ServiceInUse
from contexts.booking.catalog_harness import AS_ADMIN, START, Catalog, open_catalog
from support.backends import Backend


@pytest.fixture
async def catalog(migrated_database_url: str, tmp_path: Path) -> AsyncIterator[Catalog]:
    name = "sqlite" if migrated_database_url.startswith("sqlite") else "postgres"
    backend = Backend(name, migrated_database_url, tmp_path / "var")
    try:
        yield await open_catalog(backend)
    finally:
        await backend.close()


async def test_a_list_is_one_statement(catalog: Catalog) -> None:
    await catalog.handle(
        c.CreateServices(
            actor=AS_ADMIN,
            services=[c.NewService(title=f"Service {i}", category="misc") for i in range(30)],
        )
    )
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)  # the test's only engine is Alora's
    try:
        page = await catalog.list(page=2, page_size=20, text="service", category="misc")
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    assert (len(page.items), page.total, page.pages) == (10, 30, 2)
    assert len(statements) == 1, statements


async def test_a_deleted_service_keeps_its_row_for_past_bookings(catalog: Catalog) -> None:
    service = await catalog.create("Plumbing")
    await catalog.add_booking(service.id, "completed")
    await catalog.delete(service.id)
    async with catalog.uow_factory().reading() as uow:
        row = (
            await uow.execute(
                text(
                    "SELECT s.title, s.deleted_at FROM bookings b JOIN services s"
                    " ON s.id = b.service_id"
                )
            )
        ).one()
    assert row.title == "Plumbing" and row.deleted_at is not None


async def test_a_booking_holding_the_service_makes_its_deletion_wait_and_fail(
    catalog: Catalog,
) -> None:
    service = await catalog.create("Plumbing")
    booking = await catalog.booking_of(service.id, "pending")
    holding, release = asyncio.Event(), asyncio.Event()

    async def book() -> None:
        async with catalog.uow_factory() as uow:
            assert await uow.services.get_for_share(service.id) is not None
            await uow.bookings.add(booking)
            holding.set()
            await release.wait()
            await uow.commit()

    booked = asyncio.create_task(book())
    await holding.wait()
    deletion = asyncio.create_task(catalog.delete(service.id))
    await asyncio.sleep(0.3)
    assert not deletion.done()  # it waits for the booking's lock
    release.set()
    await booked
    with pytest.raises(ServiceInUse):
        await deletion
    assert await catalog.stored(service.id) is not None


async def test_a_deletion_in_progress_makes_a_booking_wait_and_find_no_service(
    catalog: Catalog,
) -> None:
    service = await catalog.create("Plumbing")
    deleting, release = asyncio.Event(), asyncio.Event()

    async def delete() -> None:
        async with catalog.uow_factory() as uow:
            found = await uow.services.get_for_update(service.id)
            assert found is not None and not await uow.services.has_open_bookings(service.id)
            found.delete(START)
            deleting.set()
            await release.wait()
            await uow.commit()

    async def book() -> Any:
        async with catalog.uow_factory() as uow:
            return await uow.services.get_for_share(service.id)

    deletion = asyncio.create_task(delete())
    await deleting.wait()
    booking = asyncio.create_task(book())
    await asyncio.sleep(0.3)
    assert not booking.done()  # it waits for the deletion's lock
    release.set()
    await deletion
    assert await booking is None
