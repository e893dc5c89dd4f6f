"""The reports suite, in memory."""

from __future__ import annotations

import pytest

from adapters.memory.hasher import FastPasswordHasher
from alora_core.shared.clock import FixedClock
from entrypoints.bootstrap import Alora, build_in_memory
from suites.reports_use_cases import *  # noqa: F403
from suites.reports_use_cases import START


@pytest.fixture
def alora() -> Alora:
    return build_in_memory(clock=FixedClock(START), hasher=FastPasswordHasher())
