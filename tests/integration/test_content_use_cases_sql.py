"""The content use-case suite on the SQLAlchemy unit of work, against SQLite and PostgreSQL
(migrated to the latest revision): the tests the in-memory adapter passes, and on PostgreSQL
the race of concurrent first writes of the about page."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from attrs import evolve

from adapters.memory.ratelimit import MemoryRateLimiter
from adapters.sqlalchemy.database import create_engine
from adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork, session_factory
from alora_core.content import commands as c
from alora_core.content.errors import AboutPageExists
from alora_core.content.model import ABOUT_PAGE_ID, AboutPage
from alora_core.content.use_cases import ContentDeps, command_handlers
from alora_core.shared.actor import Actor, Role
from alora_core.shared.clock import FixedClock
from alora_core.shared.messagebus import MessageBus
from alora_core.shared.pagination import PageRequest
from conftest import empty_tables
from suites.content_use_cases import *  # noqa: F403
from suites.content_use_cases import ABOUT


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
def writers_interleave(migrated_database_url: str) -> bool:
    return not migrated_database_url.startswith("sqlite")


class _ReadTogether:
    """``uow.about``, holding every writer after its read until all of them have read: each
    then sees no page and inserts one."""

    def __init__(self, about: Any, barrier: asyncio.Barrier) -> None:
        self._about = about
        self._barrier = barrier

    async def get(self) -> AboutPage | None:
        page: AboutPage | None = await self._about.get()
        await self._barrier.wait()
        return page

    async def add(self, page: AboutPage) -> None:
        await self._about.add(page)


@pytest.mark.parametrize("writers", [2, 10])
async def test_concurrent_first_writes_of_the_about_page_keep_one(
    migrated_postgres_url: str, writers: int
) -> None:
    await empty_tables(migrated_postgres_url)
    engine = create_engine(migrated_postgres_url)
    sessions = session_factory(engine)
    barrier = asyncio.Barrier(writers)

    def racing_uow() -> SqlAlchemyUnitOfWork:
        uow = SqlAlchemyUnitOfWork(sessions)
        uow.about = _ReadTogether(uow.about, barrier)
        return uow

    clock = FixedClock()
    deps = ContentDeps(clock=clock, limiter=MemoryRateLimiter(clock))
    bus = MessageBus(racing_uow, command_handlers(deps))
    admin = Actor(user_id=uuid.uuid4(), role=Role.ADMIN)
    try:
        outcomes = await asyncio.gather(
            *(
                bus.handle(c.InitializeAboutPage(actor=admin, content=evolve(ABOUT, title=f"T{i}")))
                for i in range(writers)
            ),
            return_exceptions=True,
        )
        won = [page for page in outcomes if isinstance(page, AboutPage)]
        lost = [error for error in outcomes if not isinstance(error, AboutPage)]
        assert len(won) == 1, outcomes
        assert len(lost) == writers - 1 and all(isinstance(e, AboutPageExists) for e in lost)
        async with SqlAlchemyUnitOfWork(sessions).reading() as uow:
            page = await uow.about.get()
            audit = await uow.audit_log.list(PageRequest(1, 100), action="about.initialize")
        assert page is not None and page.id == ABOUT_PAGE_ID and page.title == won[0].title
        assert audit.total == 1
    finally:
        await engine.dispose()
