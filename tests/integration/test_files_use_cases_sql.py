"""The files use-case suite on the SQLAlchemy unit of work, against SQLite and PostgreSQL
(migrated to the latest revision): the tests the in-memory adapter passes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from adapters.sqlalchemy.database import create_engine
from adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork, session_factory
from suites.files_use_cases import *  # noqa: F403


@pytest.fixture
async def uow_factory(
    migrated_database_url: str,
) -> AsyncIterator[Callable[[], SqlAlchemyUnitOfWork]]:
    engine = create_engine(migrated_database_url)
    sessions = session_factory(engine)
    try:
        yield lambda: SqlAlchemyUnitOfWork(sessions)
    finally:
        await engine.dispose()
