"""The identity use-case suite on the real wiring (``bootstrap.build``), against SQLite and
PostgreSQL: the same tests the in-memory adapter passes in ``tests/unit``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.memory.hasher import FastPasswordHasher
from adapters.memory.mail import MemoryMailer
from alora_core.shared.clock import FixedClock
from entrypoints.bootstrap import Alora, build
from entrypoints.settings import load_settings
from suites.identity_use_cases import *  # noqa: F403


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
