"""``Backend``: Alora composed by ``entrypoints.bootstrap`` on one of the three backends.

The ``backend`` fixture (``tests/conftest.py``) is parametrized ``[memory]``, ``[sqlite]`` and
``[postgres]``; a suite asks it for a composed Alora with ``await backend.build(...)``. Every
backend runs the jobs of a command before ``bus.handle`` returns (inline), with a fast password
hasher and a ``MemoryMailer``; the SQL ones on a database migrated to the latest revision with
empty tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from attrs import define, field

from adapters.memory.hasher import FastPasswordHasher
from adapters.memory.mail import MemoryMailer
from alora_core.identity.ports import PasswordHasher
from alora_core.shared.clock import Clock, FixedClock
from alora_core.shared.events import DomainEvent
from alora_core.shared.mail import Mailer
from alora_core.shared.storage import FileStorage
from entrypoints import bootstrap
from entrypoints.bootstrap import Alora
from entrypoints.realtime_wiring import RealtimeParts
from entrypoints.settings import load_settings

BACKENDS = ("memory", "sqlite", "postgres")


@define
class Backend:
    name: str
    """``memory``, ``sqlite`` or ``postgres``."""
    database_url: str | None
    var_dir: Path
    _built: list[Alora] = field(factory=list)

    @property
    def sql(self) -> bool:
        return self.name != "memory"

    async def build(
        self,
        *,
        clock: Clock | None = None,
        hasher: PasswordHasher | None = None,
        mailer: Mailer | None = None,
        storage: FileStorage | None = None,
        environ: Mapping[str, str] | None = None,
        realtime: RealtimeParts | None = None,
        **memory_options: Any,
    ) -> Alora:
        """Alora on this backend; closed when the test ends. ``memory_options`` go to
        ``build_in_memory`` (a shared ``store`` ...) and are ignored on the SQL backends."""
        clock = clock or FixedClock()
        hasher = hasher or FastPasswordHasher()
        mailer = mailer or MemoryMailer()
        if not self.sql:
            return bootstrap.build_in_memory(
                clock=clock,
                hasher=hasher,
                mailer=mailer,
                storage=storage,
                environ=environ,
                realtime=realtime,
                **memory_options,
            )
        assert self.database_url is not None
        settings = load_settings(
            {
                "ALORA_DATABASE_URL": self.database_url,
                "ALORA_VAR_DIR": str(self.var_dir),
                **(environ or {}),
            },
            dotenv=None,
        )
        alora = await bootstrap.build(
            settings,
            clock=clock,
            hasher=hasher,
            mailer=mailer,
            storage=storage,
            realtime=realtime,
            inline_jobs=True,
        )
        self._built.append(alora)
        return alora

    async def close(self) -> None:
        for alora in self._built:
            await alora.aclose()
        self._built.clear()


def committed_events(alora: Alora) -> list[DomainEvent]:
    """A list that receives the events every command of ``alora`` commits from now on."""
    events: list[DomainEvent] = []
    alora.bus.listen(events.extend)
    return events
