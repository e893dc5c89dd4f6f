"""The composition root: the one place that wires the core to its adapters.

HTTP, CLI, worker and tests all get their message bus from here, so there is one wiring.
``build(settings)`` wires the configured database, mail and rate-limit store;
``build_in_memory()`` wires everything in memory, for tests and for programs that embed Alora.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import Any

from attrs import define, field

from adapters.argon2_hasher import Argon2PasswordHasher
from adapters.jwt_tokens import JwtTokenIssuer
from adapters.mail import MailboxMailer
from adapters.memory.mail import MemoryMailer
from adapters.memory.ratelimit import MemoryRateLimiter
from adapters.memory.uow import MemoryStore, MemoryUnitOfWork
from adapters.phones import LibPhoneNumbers
from alora_core.identity import handlers as identity_handlers
from alora_core.identity.events import CodeIssued
from alora_core.identity.ports import PasswordHasher
from alora_core.identity.use_cases import IdentityConfig, IdentityDeps, command_handlers
from alora_core.shared.clock import Clock, SystemClock
from alora_core.shared.mail import Branding, Mailer
from alora_core.shared.messagebus import MessageBus
from alora_core.shared.ratelimit import Limit, RateLimiter
from alora_core.shared.uow import UnitOfWork
from entrypoints.settings import Settings

ReadinessCheck = Callable[[], Awaitable[None]]


@define
class Alora:
    """A composed Alora: the bus and the few adapters its callers touch directly."""

    bus: MessageBus
    clock: Clock
    mailer: Mailer
    limiter: RateLimiter
    settings: Settings | None = None
    readiness_checks: dict[str, ReadinessCheck] = field(factory=dict)
    _closers: list[Callable[[], Awaitable[Any]]] = field(factory=list)

    async def aclose(self) -> None:
        for close in reversed(self._closers):
            await close()
        self._closers.clear()


def _bus(
    uow_factory: Callable[[], UnitOfWork],
    deps: IdentityDeps,
    mailer: Mailer,
    branding: Branding,
) -> MessageBus:
    return MessageBus(
        uow_factory,
        command_handlers(deps),
        {CodeIssued: [partial(identity_handlers.email_code, mailer=mailer, branding=branding)]},
    )


def build_in_memory(
    *,
    clock: Clock | None = None,
    hasher: PasswordHasher | None = None,
    mailer: Mailer | None = None,
    secret_key: str | None = None,
    require_verified_email: bool = True,
    store: MemoryStore | None = None,
) -> Alora:
    """Everything in memory: no database, no files, no network.

    Without ``secret_key``, a random one is made: tokens are then valid in this process only.
    """
    secret_key = secret_key or secrets.token_urlsafe(32)
    clock = clock or SystemClock()
    mailer = mailer or MemoryMailer()
    limiter = MemoryRateLimiter(clock)
    store = store or MemoryStore()
    deps = IdentityDeps(
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
    bus = _bus(lambda: MemoryUnitOfWork(store), deps, mailer, Branding())
    return Alora(bus=bus, clock=clock, mailer=mailer, limiter=limiter)


async def build(
    settings: Settings,
    *,
    clock: Clock | None = None,
    hasher: PasswordHasher | None = None,
    mailer: Mailer | None = None,
) -> Alora:
    """Wire Alora from settings: its database, mailbox and rate-limit store.

    ``clock``, ``hasher`` and ``mailer`` replace the configured ones (tests use them).
    """
    from adapters.sqlalchemy.database import create_engine, ping
    from adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork, session_factory

    clock = clock or SystemClock()
    closers: list[Callable[[], Awaitable[Any]]] = []
    checks: dict[str, ReadinessCheck] = {}

    engine = create_engine(settings.database_url)
    closers.append(engine.dispose)
    checks["database"] = partial(ping, engine)

    limiter: RateLimiter
    if settings.redis_url:
        from redis.asyncio import Redis

        from adapters.redis_ratelimit import RedisRateLimiter

        redis = Redis.from_url(settings.redis_url)
        closers.append(redis.aclose)
        checks["redis"] = partial(_redis_ping, redis)
        limiter = RedisRateLimiter(redis)
    else:
        limiter = MemoryRateLimiter(clock)

    mailer = mailer or MailboxMailer(settings.mail_dir, settings.mail_from)
    deps = IdentityDeps(
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
    factory = session_factory(engine)
    branding = Branding(settings.product_name, settings.public_url)
    bus = _bus(lambda: SqlAlchemyUnitOfWork(factory), deps, mailer, branding)
    return Alora(
        bus=bus,
        clock=clock,
        mailer=mailer,
        limiter=limiter,
        settings=settings,
        readiness_checks=checks,
        closers=closers,
    )


async def _redis_ping(redis: Any) -> None:
    await redis.ping()


def _derive(secret_key: str, purpose: str) -> bytes:
    """A separate key per use of the one configured secret."""
    return hashlib.sha256(f"alora:{purpose}:{secret_key}".encode()).digest()
