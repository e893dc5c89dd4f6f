"""The services catalog's use-case suite on the SQLAlchemy unit of work, against SQLite and
PostgreSQL (migrated to the latest revision), and what only a database shows: one statement
per list, the deleted row kept for past bookings, and a booking racing the deletion of its
service."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Uuid, bindparam, event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.database import create_engine
from adapters.sqlalchemy.types import UtcDateTime
from adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork, session_factory
from alora_core.booking.catalog import commands as c
from alora_core.booking.catalog.errors import ServiceInUse
from alora_core.identity.model import Role, User
from alora_core.shared.ids import new_id
from suites.booking_catalog import *  # noqa: F403
from suites.booking_catalog import AS_ADMIN, START, Catalog

AddBooking = Callable[[uuid.UUID, str], Awaitable[None]]


@pytest.fixture
async def engine(migrated_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(migrated_database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def uow_factory(engine: AsyncEngine) -> Callable[[], SqlAlchemyUnitOfWork]:
    sessions = session_factory(engine)
    return lambda: SqlAlchemyUnitOfWork(sessions)


async def _user(uow_factory: Callable[[], SqlAlchemyUnitOfWork], name: str) -> uuid.UUID:
    user = User(
        full_name=name.title(),
        username=name,
        email=f"{name}@example.com",
        phone=None,
        password_hash="not a real hash",
        role=Role.CUSTOMER,
        created_at=START,
    )
    async with uow_factory() as uow:
        await uow.users.add(user)
        await uow.commit()
    return user.id


async def insert_booking(
    uow: SqlAlchemyUnitOfWork, customer: uuid.UUID, service_id: uuid.UUID, status: str
) -> None:
    """A bookings row written by hand inside ``uow``'s transaction, as the bookings part
    writes one; only the columns the catalog reads (``service_id``, ``status``) matter."""
    start = START + timedelta(days=3)
    empty_history = "CAST('[]' AS jsonb)" if uow.dialect_name == "postgresql" else "'[]'"
    statement = text(
        "INSERT INTO bookings (id, customer_id, professional_id, service_id, status, start_at,"
        " end_at, blocked_until, address, notes, price, cancelled_late, history, created_at,"
        " updated_at, version) VALUES (:id, :customer, :customer, :service, :status,"
        f" :start_at, :end_at, :end_at, 'Main Street 1', '', NULL, FALSE, {empty_history},"
        " :start_at, :start_at, 1)"
    ).bindparams(
        bindparam("id", new_id(), type_=Uuid),
        bindparam("customer", customer, type_=Uuid),
        bindparam("service", service_id, type_=Uuid),
        bindparam("status", status),
        bindparam("start_at", start, type_=UtcDateTime),
        bindparam("end_at", start + timedelta(hours=1), type_=UtcDateTime),
    )
    await uow.execute(statement)


@pytest.fixture
def add_booking(uow_factory: Callable[[], SqlAlchemyUnitOfWork]) -> AddBooking:
    customers: list[uuid.UUID] = []

    async def add(service_id: uuid.UUID, status: str) -> None:
        if not customers:
            customers.append(await _user(uow_factory, "carla"))
        async with uow_factory() as uow:
            await insert_booking(uow, customers[0], service_id, status)
            await uow.commit()

    return add


# --- what only a database shows ---------------------------------------------------------------


async def test_a_list_is_one_statement(catalog: Catalog, engine: AsyncEngine) -> None:
    await catalog.handle(
        c.CreateServices(
            actor=AS_ADMIN,
            services=[c.NewService(title=f"Service {i}", category="misc") for i in range(30)],
        )
    )
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        page = await catalog.list(page=2, page_size=20, text="service", category="misc")
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    assert (len(page.items), page.total, page.pages) == (10, 30, 2)
    assert len(statements) == 1, statements


async def test_a_deleted_service_keeps_its_row_for_past_bookings(
    catalog: Catalog, add_booking: AddBooking, engine: AsyncEngine
) -> None:
    service = await catalog.create("Plumbing")
    await add_booking(service.id, "completed")
    await catalog.delete(service.id)
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                text(
                    "SELECT s.title, s.deleted_at FROM bookings b JOIN services s"
                    " ON s.id = b.service_id"
                )
            )
        ).one()
    assert row.title == "Plumbing" and row.deleted_at is not None


async def test_a_booking_holding_the_service_makes_its_deletion_wait_and_fail(
    catalog: Catalog, uow_factory: Callable[[], SqlAlchemyUnitOfWork]
) -> None:
    service = await catalog.create("Plumbing")
    customer = await _user(uow_factory, "carla")
    holding, release = asyncio.Event(), asyncio.Event()

    async def book() -> None:
        async with uow_factory() as uow:
            assert await uow.services.get_for_share(service.id) is not None
            await insert_booking(uow, customer, service.id, "pending")
            holding.set()
            await release.wait()
            await uow.commit()

    booking = asyncio.create_task(book())
    await holding.wait()
    deletion = asyncio.create_task(catalog.delete(service.id))
    await asyncio.sleep(0.3)
    assert not deletion.done()  # it waits for the booking's lock
    release.set()
    await booking
    with pytest.raises(ServiceInUse):
        await deletion
    assert await catalog.stored(service.id) is not None


async def test_a_deletion_in_progress_makes_a_booking_wait_and_find_no_service(
    catalog: Catalog, uow_factory: Callable[[], SqlAlchemyUnitOfWork]
) -> None:
    service = await catalog.create("Plumbing")
    deleting, release = asyncio.Event(), asyncio.Event()

    async def delete() -> None:
        async with uow_factory() as uow:
            found = await uow.services.get_for_update(service.id)
            assert found is not None and not await uow.services.has_open_bookings(service.id)
            found.delete(START)
            deleting.set()
            await release.wait()
            await uow.commit()

    async def book() -> Any:
        async with uow_factory() as uow:
            return await uow.services.get_for_share(service.id)

    deletion = asyncio.create_task(delete())
    await deleting.wait()
    booking = asyncio.create_task(book())
    await asyncio.sleep(0.3)
    assert not booking.done()  # it waits for the deletion's lock
    release.set()
    await deletion
    assert await booking is None


async def test_concurrent_creates_of_one_title_leave_one(catalog: Catalog) -> None:
    results = await asyncio.gather(
        *(catalog.create("plumbing" if i % 2 else "PLUMBING") for i in range(6)),
        return_exceptions=True,
    )
    created = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(created) == 1
    assert all(getattr(error, "field", None) == "title" for error in refused), refused
    assert len(await catalog.titles()) == 1
