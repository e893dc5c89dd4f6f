"""The ``n`` fixture: notifications' harness on the test's backend (memory, SQLite, PostgreSQL),
with a ``FixedClock`` at ``START`` and links in emails under ``PUBLIC_URL``."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.memory.presence import MemoryOpenSockets, MemoryPresence
from alora_core.shared.clock import FixedClock
from contexts.notifications.harness import (
    PUBLIC_URL,
    START,
    FlakyMailer,
    Harness,
    RecordingRealtime,
)
from entrypoints.realtime_wiring import RealtimeParts
from support.backends import Backend, committed_events


@pytest.fixture
async def n(backend: Backend) -> Harness:
    clock = FixedClock(START)
    mailer = FlakyMailer()
    realtime = RecordingRealtime()
    presence = MemoryPresence(clock, socket_ttl=timedelta(minutes=1), grace=timedelta(seconds=10))
    alora = await backend.build(
        clock=clock,
        mailer=mailer,
        realtime=RealtimeParts(
            realtime, presence, MemoryOpenSockets(clock, socket_ttl=timedelta(minutes=1))
        ),
        environ={"ALORA_PUBLIC_URL": PUBLIC_URL},
    )
    return Harness(alora, clock, mailer, realtime, committed_events(alora))
