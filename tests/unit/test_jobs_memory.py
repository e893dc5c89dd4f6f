"""The outbox and job bookkeeping contract on the in-memory adapter."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.memory.jobs import MemoryOutboxSource
from adapters.memory.uow import MemoryStore, MemoryUnitOfWork
from suites.jobs_contract import *  # noqa: F403
from suites.jobs_contract import JobsBackend, add_user


@pytest.fixture
async def backend() -> JobsBackend:
    store = MemoryStore()

    def uow_factory(handlers_for: Any) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(store, handlers_for)

    user_id = await add_user(uow_factory(lambda _name: []))
    return JobsBackend(uow_factory, MemoryOutboxSource(store), user_id)
