"""Identity's suites run on every backend (memory, SQLite, PostgreSQL): ``alora`` is Alora
composed on the test's backend with a ``FixedClock``, a ``MemoryMailer`` and a fast hasher."""

from __future__ import annotations

import pytest

from alora_core.shared.clock import FixedClock
from entrypoints.bootstrap import Alora
from support.backends import Backend


@pytest.fixture
async def alora(backend: Backend) -> Alora:
    return await backend.build(clock=FixedClock())
