"""The files use-case suite on the SQLAlchemy unit of work, against SQLite and PostgreSQL
(migrated to the latest revision): the tests the in-memory adapter passes. Its ``alora`` is
the real wiring (``bootstrap.build``), with the bytes in a local folder."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from adapters.memory.hasher import FastPasswordHasher
from adapters.memory.mail import MemoryMailer
from adapters.sqlalchemy.database import create_engine
from adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork, session_factory
from alora_core.shared.clock import FixedClock
from entrypoints.bootstrap import Alora, build
from entrypoints.settings import load_settings
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


@pytest.fixture
async def alora(migrated_database_url: str, tmp_path: Path) -> AsyncIterator[Alora]:
    settings = load_settings(
        {"ALORA_DATABASE_URL": migrated_database_url, "ALORA_VAR_DIR": str(tmp_path)},
        dotenv=None,
    )
    alora = await build(
        settings,
        clock=FixedClock(),
        hasher=FastPasswordHasher(),
        mailer=MemoryMailer(),
        inline_jobs=True,
    )
    try:
        yield alora
    finally:
        await alora.aclose()
