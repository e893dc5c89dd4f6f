"""The composition root: the one place that wires the core to its adapters.

HTTP, CLI, worker and tests all get their message bus from here, so there is one wiring.
``build(settings)`` wires the configured database, mail and rate-limit store;
``build_in_memory()`` wires everything in memory, for tests and for programs that embed Alora.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from functools import partial
from typing import Any

from attrs import define, field

from adapters.argon2_hasher import Argon2PasswordHasher
from adapters.jwt_tokens import JwtTokenIssuer
from adapters.mail import MailboxMailer
from adapters.memory.files import MemoryFileStorage
from adapters.memory.jobs import MemoryOutboxSource
from adapters.memory.mail import MemoryMailer
from adapters.memory.ratelimit import MemoryRateLimiter
from adapters.memory.uow import MemoryStore, MemoryUnitOfWork
from adapters.phones import LibPhoneNumbers
from adapters.storage.sniffing import FiletypeSniffer
from alora_core.booking.bookings import use_cases as bookings_use_cases
from alora_core.booking.bookings.use_cases import BookingsDeps
from alora_core.booking.catalog import use_cases as catalog_use_cases
from alora_core.booking.favorites import use_cases as favorites_use_cases
from alora_core.booking.favorites.use_cases import FavoritesDeps
from alora_core.booking.professionals import use_cases as professionals_use_cases
from alora_core.booking.professionals.use_cases import ProfessionalsDeps
from alora_core.booking.reviews import use_cases as reviews_use_cases
from alora_core.booking.reviews.use_cases import ReviewsDeps
from alora_core.booking.search import use_cases as search_use_cases
from alora_core.content import handlers as content_handlers
from alora_core.content import use_cases as content_use_cases
from alora_core.content.use_cases import ContentConfig, ContentDeps
from alora_core.files import use_cases as files_use_cases
from alora_core.files.ports import FileStorage
from alora_core.files.use_cases import DEFAULT_MAX_BYTES, FilesDeps
from alora_core.identity import handlers as identity_handlers
from alora_core.identity import use_cases as identity_use_cases
from alora_core.identity.ports import PasswordHasher
from alora_core.identity.use_cases import IdentityConfig, IdentityDeps
from alora_core.notifications import handlers as notifications_handlers
from alora_core.notifications import use_cases as notifications_use_cases
from alora_core.notifications.use_cases import NotificationsDeps
from alora_core.reports import handlers as reports_handlers
from alora_core.reports import use_cases as reports_use_cases
from alora_core.shared import operations
from alora_core.shared.clock import Clock, SystemClock
from alora_core.shared.events import DomainEvent
from alora_core.shared.jobs import Job, JobQueue, JobStats, Subscriptions, run_job
from alora_core.shared.mail import Branding, Mailer
from alora_core.shared.messagebus import MessageBus
from alora_core.shared.ratelimit import Limit, RateLimiter
from alora_core.shared.realtime import Realtime
from entrypoints import reactions, search_indexing
from entrypoints.realtime_wiring import RealtimeParts, build_realtime
from entrypoints.settings import Settings, SettingsError
from entrypoints.worker.inprocess import InProcessJobQueue
from entrypoints.worker.relay import Relay

ReadinessCheck = Callable[[], Awaitable[None]]


@define
class Alora:
    """A composed Alora: the bus, the background machinery and the adapters callers touch."""

    bus: MessageBus
    clock: Clock
    mailer: Mailer
    limiter: RateLimiter
    subscriptions: Subscriptions
    relay: Relay
    uow_factory: Callable[[], Any]
    max_job_attempts: int
    realtime: RealtimeParts
    queue_depths: Callable[[], Awaitable[dict[str, int]]]
    """Jobs waiting or running in each queue (the broker's, or this process's worker)."""
    jobs_added: Callable[[list[DomainEvent]], Awaitable[None]]
    """Tells the relay that the outbox has new jobs (the bus calls it after each command)."""
    storage: FileStorage
    """Where uploaded files' bytes live."""
    settings: Settings | None = None
    readiness_checks: dict[str, ReadinessCheck] = field(factory=dict)
    _closers: list[Callable[[], Awaitable[Any]]] = field(factory=list)
    _background: list[asyncio.Task[None]] = field(factory=list)
    _stop: asyncio.Event = field(factory=asyncio.Event)

    async def run_job(self, job: Job, attempt: int) -> str:
        """Run one job from the outbox (see ``alora_core.shared.jobs.run_job``)."""
        return await run_job(
            job,
            attempt=attempt,
            max_attempts=self.max_job_attempts,
            subscriptions=self.subscriptions,
            uow_factory=self.uow_factory,
            clock=self.clock,
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


def build_in_memory(
    *,
    clock: Clock | None = None,
    hasher: PasswordHasher | None = None,
    mailer: Mailer | None = None,
    secret_key: str | None = None,
    require_verified_email: bool = True,
    store: MemoryStore | None = None,
    max_job_attempts: int = 5,
    realtime: RealtimeParts | None = None,
    storage: FileStorage | None = None,
    file_max_bytes: int = DEFAULT_MAX_BYTES,
) -> Alora:
    """Everything in memory: no database, no files, no network.

    Jobs run inline: when ``bus.handle`` returns, the handlers of the events it raised have run
    (emails are in the mailer). Without ``secret_key``, a random one is made: tokens are then
    valid in this process only.
    """
    secret_key = secret_key or secrets.token_urlsafe(32)
    clock = clock or SystemClock()
    mailer = mailer or MemoryMailer()
    limiter = MemoryRateLimiter(clock)
    store = store or MemoryStore()
    storage = storage or MemoryFileStorage()
    files = FilesDeps(
        clock=clock, storage=storage, sniffer=FiletypeSniffer(), max_bytes=file_max_bytes
    )
    identity = IdentityDeps(
        clock=clock,
        hasher=hasher or Argon2PasswordHasher(),
        tokens=JwtTokenIssuer(secret_key, "alora", "alora-api", timedelta(minutes=15)),
        phones=LibPhoneNumbers("US"),
        limiter=limiter,
        config=IdentityConfig(
            code_secret=_derive(secret_key, "codes"),
            require_verified_email=require_verified_email,
        ),
    )
    branding = Branding()
    realtime = realtime or build_realtime(None, clock, presence_grace_seconds=10)
    subscriptions = _subscriptions(mailer, branding, clock, realtime.realtime, storage)

    def uow_factory() -> MemoryUnitOfWork:
        return MemoryUnitOfWork(store, subscriptions.handlers_of)

    alora: Alora | None = None

    async def run(job: Job, attempt: int) -> str:
        assert alora is not None
        return await alora.run_job(job, attempt)

    queue = InProcessJobQueue(run, concurrency=1, backoff_seconds=0, inline=True)

    async def queue_depths() -> dict[str, int]:
        return {"in-process": queue.in_flight}

    relay = Relay(
        MemoryOutboxSource(store),
        queue,
        clock,
        poll_seconds=0.5,
        redeliver_after=timedelta(minutes=10),
    )

    async def drain(_events: list[DomainEvent]) -> None:
        await relay.drain()

    alora = Alora(
        bus=MessageBus(
            uow_factory, _command_handlers(identity, mailer, branding, files), on_events=drain
        ),
        clock=clock,
        mailer=mailer,
        limiter=limiter,
        subscriptions=subscriptions,
        relay=relay,
        uow_factory=uow_factory,
        max_job_attempts=max_job_attempts,
        realtime=realtime,
        queue_depths=queue_depths,
        jobs_added=drain,
        storage=storage,
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
) -> Alora:
    """Wire Alora from settings: its database, mail, rate-limit store and background work.

    With ``settings.background == "inprocess"`` jobs run in this process once the caller starts
    the relay (``alora.start_relay()``, as ``alora serve`` does); otherwise they go to the
    dramatiq broker on Redis for ``alora worker`` processes. ``inline_jobs`` runs the jobs of
    a command before ``bus.handle`` returns, as ``build_in_memory`` does. ``clock``, ``hasher``
    and ``mailer`` replace the configured ones (tests use them).
    """
    from adapters.sqlalchemy.database import create_engine, ping
    from adapters.sqlalchemy.jobs import SqlOutboxSource
    from adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork, session_factory

    clock = clock or SystemClock()
    closers: list[Callable[[], Awaitable[Any]]] = []
    checks: dict[str, ReadinessCheck] = {}

    engine = create_engine(settings.database_url)
    closers.append(engine.dispose)
    checks["database"] = partial(ping, engine)

    redis: Any = None
    limiter: RateLimiter
    if settings.redis_url:
        from adapters.redis_client import redis_client
        from adapters.redis_ratelimit import RedisRateLimiter

        redis = redis_client(settings.redis_url)
        closers.append(redis.aclose)
        checks["redis"] = partial(_redis_ping, redis)
        limiter = RedisRateLimiter(redis)
    else:
        limiter = MemoryRateLimiter(clock)

    mailer = mailer or _configured_mailer(settings)
    storage, checks["storage"] = _configured_storage(settings)
    files = FilesDeps(
        clock=clock, storage=storage, sniffer=FiletypeSniffer(), max_bytes=settings.file_max_bytes
    )
    identity = IdentityDeps(
        clock=clock,
        hasher=hasher
        or Argon2PasswordHasher(
            memory_kib=settings.argon2_memory_kib,
            time_cost=settings.argon2_time_cost,
            parallelism=settings.argon2_parallelism,
        ),
        tokens=JwtTokenIssuer(
            settings.secret_key,
            settings.jwt_issuer,
            settings.jwt_audience,
            timedelta(minutes=settings.access_token_minutes),
        ),
        phones=LibPhoneNumbers(settings.default_phone_region),
        limiter=limiter,
        config=IdentityConfig(
            code_secret=_derive(settings.secret_key, "codes"),
            require_verified_email=settings.require_verified_email,
            refresh_lifetime=timedelta(days=settings.refresh_token_days),
            max_sessions=settings.max_sessions,
            login_failures=Limit(
                settings.login_max_failures, timedelta(minutes=settings.login_window_minutes)
            ),
        ),
    )
    branding = Branding(settings.product_name, settings.public_url)
    if realtime is None:
        realtime = build_realtime(
            settings.redis_url or None,
            clock,
            presence_grace_seconds=settings.presence_grace_seconds,
            heartbeat_seconds=settings.ws_heartbeat_seconds,
        )
        closers.append(realtime.close)
    subscriptions = _subscriptions(mailer, branding, clock, realtime.realtime, storage)
    sessions = session_factory(engine)

    def uow_factory() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(sessions, subscriptions.handlers_of)

    alora: Alora | None = None

    async def run(job: Job, attempt: int) -> str:
        assert alora is not None
        return await alora.run_job(job, attempt)

    queue: JobQueue
    on_events: Callable[[list[DomainEvent]], Awaitable[None]]
    if inline_jobs or settings.background == "inprocess":
        in_process = InProcessJobQueue(
            run,
            concurrency=settings.worker_concurrency,
            backoff_seconds=settings.job_backoff_seconds,
            inline=inline_jobs,
            on_finished=lambda: relay.wake(),
        )
        closers.append(partial(in_process.close, settings.shutdown_timeout_seconds))
        checks["broker"] = _always_ready
        queue = in_process

        async def queue_depths() -> dict[str, int]:
            return {"in-process": in_process.in_flight}

        async def on_events(_events: list[DomainEvent]) -> None:
            if inline_jobs:
                await relay.drain()
            else:
                relay.wake()

    else:
        from entrypoints.worker.broker import DramatiqJobQueue, make_broker, nudge_relays

        if redis is None:
            raise SettingsError("ALORA_BACKGROUND=external needs ALORA_REDIS_URL")
        broker = make_broker(settings)
        queue = dramatiq_queue = DramatiqJobQueue(broker)
        queue_depths = dramatiq_queue.depths
        checks["broker"] = partial(_redis_ping, redis)

        async def on_events(_events: list[DomainEvent]) -> None:
            relay.wake()
            await nudge_relays(redis)

    relay = Relay(
        SqlOutboxSource(engine),
        queue,
        clock,
        poll_seconds=settings.relay_poll_seconds,
        redeliver_after=timedelta(seconds=settings.outbox_redeliver_seconds),
    )
    alora = Alora(
        bus=MessageBus(
            uow_factory,
            _command_handlers(identity, mailer, branding, files, _content_config(settings)),
            on_events=on_events,
        ),
        clock=clock,
        mailer=mailer,
        limiter=limiter,
        subscriptions=subscriptions,
        relay=relay,
        uow_factory=uow_factory,
        max_job_attempts=settings.job_max_attempts,
        realtime=realtime,
        queue_depths=queue_depths,
        jobs_added=on_events,
        storage=storage,
        settings=settings,
        readiness_checks=checks,
        closers=closers,
    )
    return alora


def _command_handlers(
    identity: IdentityDeps,
    mailer: Mailer,
    branding: Branding,
    files: FilesDeps,
    content: ContentConfig | None = None,
) -> dict[type, Any]:
    notifications = NotificationsDeps(clock=identity.clock, mailer=mailer, branding=branding)
    content_deps = ContentDeps(
        clock=identity.clock, limiter=identity.limiter, config=content or ContentConfig()
    )
    return {
        **identity_use_cases.command_handlers(identity),
        **notifications_use_cases.command_handlers(notifications),
        **reports_use_cases.command_handlers(clock=identity.clock),
        **operations.command_handlers(clock=identity.clock),
        **files_use_cases.command_handlers(files),
        **content_use_cases.command_handlers(content_deps),
        **catalog_use_cases.command_handlers(clock=identity.clock),
        **professionals_use_cases.command_handlers(ProfessionalsDeps(clock=identity.clock)),
        **bookings_use_cases.command_handlers(BookingsDeps(clock=identity.clock)),
        **reviews_use_cases.command_handlers(ReviewsDeps(clock=identity.clock)),
        **favorites_use_cases.command_handlers(FavoritesDeps(clock=identity.clock)),
        **search_use_cases.command_handlers(),
    }


def _subscriptions(
    mailer: Mailer, branding: Branding, clock: Clock, realtime: Realtime, storage: FileStorage
) -> Subscriptions:
    """Every reaction to every event: each context's own handlers, then those across them."""
    subscriptions = Subscriptions()
    identity_handlers.subscribe(subscriptions, mailer=mailer, branding=branding)
    notifications_handlers.subscribe(
        subscriptions, realtime=realtime, mailer=mailer, branding=branding, clock=clock
    )
    reports_handlers.subscribe(subscriptions, mailer=mailer, branding=branding)
    content_handlers.subscribe(subscriptions, mailer=mailer, branding=branding)
    reactions.subscribe(subscriptions, clock=clock, branding=branding, storage=storage)
    search_indexing.subscribe(subscriptions)
    return subscriptions


def _configured_storage(settings: Settings) -> tuple[FileStorage, ReadinessCheck]:
    """The S3 bucket when one is configured, else the local folder; and its readiness check."""
    if not settings.s3_bucket:
        from adapters.storage.local import LocalFileStorage

        local = LocalFileStorage(settings.files_dir)
        return local, local.check
    from adapters.storage.s3 import S3FileStorage

    bucket = S3FileStorage(
        settings.s3_bucket,
        endpoint_url=settings.s3_endpoint_url,
        region=settings.s3_region,
        access_key_id=settings.s3_access_key_id,
        secret_access_key=settings.s3_secret_access_key,
    )
    return bucket, bucket.check


def _content_config(settings: Settings) -> ContentConfig:
    hour = timedelta(hours=1)
    return ContentConfig(
        feedback_limit=Limit(settings.feedback_rate_per_hour, hour),
        contact_limit=Limit(settings.contact_rate_per_hour, hour),
    )


def _configured_mailer(settings: Settings) -> Mailer:
    if not settings.smtp_host:
        return MailboxMailer(settings.mail_dir, settings.mail_from)
    from adapters.smtp import SmtpMailer

    return SmtpMailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        security=settings.smtp_security,
        username=settings.smtp_user,
        password=settings.smtp_password,
        sender=settings.mail_from,
        timeout_seconds=settings.smtp_timeout_seconds,
    )


async def _always_ready() -> None:
    return None


async def _redis_ping(redis: Any) -> None:
    await redis.ping()


def _derive(secret_key: str, purpose: str) -> bytes:
    """A separate key per use of the one configured secret."""
    return hashlib.sha256(f"alora:{purpose}:{secret_key}".encode()).digest()
