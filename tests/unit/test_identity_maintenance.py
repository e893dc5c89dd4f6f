"""The identity housekeeping suite, in memory."""

from __future__ import annotations

import pytest

from adapters.memory.hasher import FastPasswordHasher
from alora_core.shared.clock import FixedClock
from entrypoints.bootstrap import Alora, build_in_memory
from suites.identity_maintenance import *  # noqa: F403


@pytest.fixture
def alora() -> Alora:
    return build_in_memory(clock=FixedClock(), hasher=FastPasswordHasher())
