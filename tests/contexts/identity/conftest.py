"""Fixtures of identity's tests.

``alora``: Alora composed on the test's backend (memory, SQLite, PostgreSQL) with a
``FixedClock``, a ``MemoryMailer`` and a fast hasher, for the use-case suites.

``engine``, ``new_uow`` and ``uow``: identity's SQL unit of work on a database at the latest
migration with empty tables (SQLite and PostgreSQL), for the SQL adapter's tests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.database import create_engine
from adapters.sqlalchemy.identity.uow import SqlIdentityUnitOfWork
from adapters.sqlalchemy.uow import session_factory
from alora_core.shared.clock import FixedClock
from entrypoints.bootstrap import Alora
from support.backends import Backend


@pytest.fixture
async def alora(backend: Backend) -> Alora:
    return await backend.build(clock=FixedClock())


@pytest.fixture
async def engine(migrated_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(migrated_database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def new_uow(engine: AsyncEngine) -> Callable[[], SqlIdentityUnitOfWork]:
    sessions = session_factory(engine)
    return lambda: SqlIdentityUnitOfWork(sessions)


@pytest.fixture
def uow(new_uow: Callable[[], SqlIdentityUnitOfWork]) -> SqlIdentityUnitOfWork:
    return new_uow()
