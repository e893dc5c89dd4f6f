"""The content use-case suite, in memory."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from adapters.memory.uow import MemoryStore, MemoryUnitOfWork
from suites.content_use_cases import *  # noqa: F403


@pytest.fixture
def uow_factory() -> Callable[[], MemoryUnitOfWork]:
    store = MemoryStore()
    return lambda: MemoryUnitOfWork(store)
