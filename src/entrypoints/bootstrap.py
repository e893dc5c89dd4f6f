"""The composition root: the one place that wires the core to its adapters.

HTTP, CLI, worker and tests all get their message bus from here, so there is one wiring.
``build(settings)`` wires the configured database, mail and rate-limit store;
``build_in_memory()`` wires everything in memory, for tests and for programs that embed Alora.
Both loop over the registry of context modules (``entrypoints.modules``): each module's
commands are routed with a unit of work of its own context, and its handlers run in one
(``entrypoints.composition``); ``entrypoints.jobs_wiring`` hands their jobs on.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from functools import partial
from typing import Any

from attrs import define, field

from adapters.memory.jobs import MemoryOutboxSource
from adapters.memory.mail import MemoryMailer
from adapters.memory.ratelimit import MemoryRateLimiter
from adapters.memory.store import MemoryStore
from adapters.memory.uow import MemoryUnitOfWork
from adapters.storage.memory import MemoryFileStorage
from alora_core.identity.ports import PasswordHasher
from alora_core.shared.cache import PageCache
from alora_core.shared.clock import Clock, SystemClock
from alora_core.shared.events import DomainEvent
from alora_core.shared.jobs import Job, JobStats, Subscriptions, run_job
from alora_core.shared.mail import Mailer
from alora_core.shared.messagebus import MessageBus
from alora_core.shared.ratelimit import RateLimiter
from alora_core.shared.storage import FileStorage
from entrypoints import jobs_wiring
from entrypoints.composition import UnitOfWorkFactory, compose
from entrypoints.modules import MODULES
from entrypoints.modules.base import ContextModule, Wiring, resolve
from entrypoints.platform import (
    configured_branding,
    configured_mailer,
    configured_storage,
    redis_ping,
)
from entrypoints.realtime_wiring import RealtimeParts, build_realtime
from entrypoints.settings import Settings, load_settings
from entrypoints.worker.relay import Relay

ReadinessCheck = Callable[[], Awaitable[str | None]]
"""None when ready; a note (``never-seen``) reports something that does not fail readiness."""


@define
class Alora:
    """A composed Alora: the bus, the background machinery and the adapters callers touch."""

    bus: MessageBus
    clock: Clock
    mailer: Mailer
    limiter: RateLimiter
    subscriptions: Subscriptions
    relay: Relay
    uow_factory: UnitOfWorkFactory
    """A unit of work with only what every context's has (the audit log, the job records)."""
    units_of_work: Mapping[str, UnitOfWorkFactory]
    """Each module's unit of work, by module name."""
    max_job_attempts: int
    realtime: RealtimeParts
    queue_depths: Callable[[], Awaitable[dict[str, int]]]
    """Jobs waiting or running in each queue (the broker's, or this process's worker)."""
    jobs_added: Callable[[list[DomainEvent]], Awaitable[None]]
    """Tells the relay that the outbox has new jobs (the bus calls it after each command)."""
    storage: FileStorage
    """The object storage (uploaded files' bytes ...)."""
    settings: Settings
    page_caches: Mapping[str, PageCache[Any]] = field(factory=dict)
    """The caches of public list pages, by name (``Wiring.page_caches``)."""
    _modules: Sequence[Any] = MODULES
    """The modules it is made of (typed loosely: Litestar's dependency injection reads the
    fields' types, and the modules' callables have none it could read)."""
    readiness_checks: dict[str, ReadinessCheck] = field(factory=dict)
    _closers: list[Callable[[], Awaitable[Any]]] = field(factory=list)
    _background: list[asyncio.Task[None]] = field(factory=list)
    _stop: asyncio.Event = field(factory=asyncio.Event)

    @property
    def modules(self) -> Sequence[ContextModule]:
        """The context modules this Alora is made of, as the registry lists them."""
        return self._modules

    async def run_job(self, job: Job, attempt: int) -> str:
        """Run one job from the outbox (see ``alora_core.shared.jobs.run_job``)."""
        return await run_job(
            job,
            attempt=attempt,
            max_attempts=self.max_job_attempts,
            subscriptions=self.subscriptions,
            uow_factory=self.uow_factory,
            clock=self.clock,
            committed=self.bus.committed,
        )

    async def job_stats(self) -> JobStats:
        async with self.uow_factory().reading() as uow:
            stats: JobStats = await uow.jobs.stats(self.clock.now())
            return stats

    def start_relay(self) -> None:
        """Run the relay in the background until ``aclose``."""
        self.run_in_background(self.relay.run(self._stop))

    def run_in_background(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` as a task that ``aclose`` stops (through ``stop_event``) and awaits."""
        self._background.append(asyncio.create_task(work))

    @property
    def stop_event(self) -> asyncio.Event:
        return self._stop

    async def aclose(self) -> None:
        self._stop.set()
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
            self._background.clear()
        for close in reversed(self._closers):
            await close()
        self._closers.clear()


def memory_store(modules: Sequence[ContextModule] = MODULES) -> MemoryStore:
    """An empty in-memory store with every module's tables."""
    store = MemoryStore()
    MemoryUnitOfWork.register(store)
    for module in modules:
        resolve(module.memory_unit_of_work).register(store)
    return store


def build_in_memory(
    *,
    clock: Clock | None = None,
    hasher: PasswordHasher | None = None,
    mailer: Mailer | None = None,
    secret_key: str | None = None,
    environ: Mapping[str, str] | None = None,
    store: MemoryStore | None = None,
    max_job_attempts: int = 5,
    realtime: RealtimeParts | None = None,
    storage: FileStorage | None = None,
    modules: Sequence[ContextModule] = MODULES,
) -> Alora:
    """Everything in memory: no database, no files, no network.

    Jobs run inline: when ``bus.handle`` returns, the handlers of the events it raised have run
    (emails are in the mailer). ``environ`` sets ``ALORA_*`` variables (the process's are not
    read). Without ``secret_key``, a random one is made: tokens are then valid in this process
    only.
    """
    secret_key = secret_key or secrets.token_urlsafe(32)
    settings = load_settings(
        {**(environ or {}), "ALORA_SECRET_KEY": secret_key}, dotenv=None, modules=modules
    )
    clock = clock or SystemClock()
    store = store or memory_store(modules)
    realtime = realtime or build_realtime(None, clock, presence_grace_seconds=10)
    wiring = Wiring(
        settings=settings,
        clock=clock,
        mailer=mailer or MemoryMailer(),
        branding=configured_branding(settings),
        limiter=MemoryRateLimiter(clock),
        realtime=realtime.realtime,
        presence=realtime.presence,
        storage=storage or MemoryFileStorage(),
        hasher=hasher,
    )

    alora: Alora | None = None

    async def run(job: Job, attempt: int) -> str:
        assert alora is not None
        return await alora.run_job(job, attempt)

    jobs = jobs_wiring.inline(MemoryOutboxSource(store), run, clock)
    composed = compose(
        modules,
        wiring,
        jobs.jobs_added,
        lambda module, subscriptions: partial(
            resolve(module.memory_unit_of_work),
            store,
            subscriptions.handlers_of,
            sealer=subscriptions.sealer,
        ),
    )
    alora = Alora(
        bus=composed.bus,
        clock=clock,
        mailer=wiring.mailer,
        limiter=wiring.limiter,
        subscriptions=composed.subscriptions,
        relay=jobs.relay,
        uow_factory=partial(
            MemoryUnitOfWork,
            store,
            composed.subscriptions.handlers_of,
            sealer=composed.subscriptions.sealer,
        ),
        units_of_work=composed.units_of_work,
        max_job_attempts=max_job_attempts,
        realtime=realtime,
        queue_depths=jobs.queue_depths,
        jobs_added=jobs.jobs_added,
        storage=wiring.storage,
        settings=settings,
        page_caches=wiring.page_caches,
        modules=modules,
        closers=wiring.closers,
    )
    return alora


async def build(
    settings: Settings,
    *,
    clock: Clock | None = None,
    hasher: PasswordHasher | None = None,
    mailer: Mailer | None = None,
    inline_jobs: bool = False,
    realtime: RealtimeParts | None = None,
    storage: FileStorage | None = None,
    modules: Sequence[ContextModule] = MODULES,
) -> Alora:
    """Wire Alora from settings: its database, mail, rate-limit store and background work.

    With ``settings.background == "inprocess"`` jobs run in this process once the caller starts
    the relay (``alora.start_relay()``, as ``alora serve`` does); otherwise they go to the
    dramatiq broker on Redis for ``alora worker`` processes. ``inline_jobs`` runs the jobs of
    a command before ``bus.handle`` returns, as ``build_in_memory`` does. ``clock``, ``hasher``,
    ``mailer`` and ``storage`` replace the configured ones (tests use them).
    """
    from adapters.sqlalchemy.database import create_engine, import_tables, ping
    from adapters.sqlalchemy.jobs import SqlOutboxSource
    from adapters.sqlalchemy.uow import SqlUnitOfWork, session_factory

    import_tables(table for module in modules for table in module.tables)
    clock = clock or SystemClock()
    closers: list[Callable[[], Awaitable[Any]]] = []
    checks: dict[str, ReadinessCheck] = {}

    engine = create_engine(
        settings.database_url, write_timeout_seconds=settings.database_write_timeout_seconds
    )
    closers.append(engine.dispose)
    checks["database"] = partial(ping, engine)

    redis: Any = None
    limiter: RateLimiter
    if settings.redis_url:
        from adapters.redis_client import redis_client
        from adapters.redis_ratelimit import RedisRateLimiter

        redis = redis_client(settings.redis_url)
        closers.append(redis.aclose)
        checks["redis"] = partial(redis_ping, redis)
        limiter = RedisRateLimiter(redis)
    else:
        limiter = MemoryRateLimiter(clock)

    if storage is None:
        storage, checks["storage"] = configured_storage(settings)
    if realtime is None:
        realtime = build_realtime(
            settings.redis_url or None,
            clock,
            presence_grace_seconds=settings.presence_grace_seconds,
            heartbeat_seconds=settings.ws_heartbeat_seconds,
        )
        closers.append(realtime.close)
    wiring = Wiring(
        settings=settings,
        clock=clock,
        mailer=mailer or configured_mailer(settings),
        branding=configured_branding(settings),
        limiter=limiter,
        realtime=realtime.realtime,
        presence=realtime.presence,
        storage=storage,
        hasher=hasher,
        redis_url=settings.redis_url or None,
        processes=settings.workers,
        closers=closers,
    )
    sessions = session_factory(engine)

    alora: Alora | None = None

    async def run(job: Job, attempt: int) -> str:
        assert alora is not None
        return await alora.run_job(job, attempt)

    jobs = jobs_wiring.configured(
        settings,
        SqlOutboxSource(engine),
        run,
        clock,
        inline=inline_jobs,
        redis=redis,
        closers=closers,
        checks=checks,
    )
    composed = compose(
        modules,
        wiring,
        jobs.jobs_added,
        lambda module, subscriptions: partial(
            resolve(module.sql_unit_of_work),
            sessions,
            subscriptions.handlers_of,
            sealer=subscriptions.sealer,
        ),
    )
    alora = Alora(
        bus=composed.bus,
        clock=clock,
        mailer=wiring.mailer,
        limiter=limiter,
        subscriptions=composed.subscriptions,
        relay=jobs.relay,
        uow_factory=partial(
            SqlUnitOfWork,
            sessions,
            composed.subscriptions.handlers_of,
            sealer=composed.subscriptions.sealer,
        ),
        units_of_work=composed.units_of_work,
        max_job_attempts=settings.job_max_attempts,
        realtime=realtime,
        queue_depths=jobs.queue_depths,
        jobs_added=jobs.jobs_added,
        storage=storage,
        settings=settings,
        page_caches=wiring.page_caches,
        modules=modules,
        readiness_checks=checks,
        closers=closers,
    )
    return alora


__all__ = ["Alora", "ReadinessCheck", "build", "build_in_memory", "memory_store"]
