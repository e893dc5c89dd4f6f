"""Identity: accounts, sign-in and sessions, profiles and settings, user administration."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from attrs import frozen

from alora_core.identity import handlers, notices
from alora_core.identity import use_cases as identity
from alora_core.identity.commands import GetPublicProfile, PurgeEndedSessions, PurgeExpiredCodes
from alora_core.identity.events import CodeRequested
from alora_core.identity.ports import NoSignedInCache, SignedInCache
from alora_core.identity.signed_in import forget_changed
from alora_core.identity.use_cases.code_requests import issue_requested_code
from alora_core.identity.visibility import recheck_presence_followers
from alora_core.shared.errors import AloraError
from alora_core.shared.events import DomainEvent
from alora_core.shared.jobs import ContextSubscriptions
from alora_core.shared.messagebus import CommandHandler
from alora_core.shared.ratelimit import Limit
from alora_core.shared.realtime import Realtime
from entrypoints.modules.base import ContextModule, Wiring
from entrypoints.scheduler import ScheduledJob
from entrypoints.settings import (
    SettingsGroup,
    Variable,
    parse_bool,
    parse_int,
    parse_region,
    parse_text,
)

if TYPE_CHECKING:
    from entrypoints.bootstrap import Alora


@frozen(kw_only=True)
class IdentitySettings:
    access_token_minutes: int
    refresh_token_days: int
    max_sessions: int
    jwt_issuer: str
    jwt_audience: str
    require_verified_email: bool
    default_phone_region: str
    argon2_memory_kib: int
    argon2_time_cost: int
    argon2_parallelism: int
    argon2_max_concurrent: int
    login_max_failures: int
    login_window_minutes: int
    code_max_failures: int
    code_failure_window_hours: int
    auth_rate_per_minute: int
    admin_password: str
    signed_in_cache_seconds: int


SETTINGS = SettingsGroup(
    IdentitySettings,
    (
        Variable(
            "ALORA_ACCESS_TOKEN_MINUTES",
            parse_int(1, 1440),
            "15",
            "Access-token lifetime.",
            field="access_token_minutes",
        ),
        Variable(
            "ALORA_REFRESH_TOKEN_DAYS",
            parse_int(1, 365),
            "7",
            "Refresh-token (session) lifetime.",
            field="refresh_token_days",
        ),
        Variable(
            "ALORA_MAX_SESSIONS",
            parse_int(1, 100),
            "5",
            "Active sessions per user; a new login revokes the oldest beyond this.",
            field="max_sessions",
        ),
        Variable(
            "ALORA_JWT_ISSUER",
            parse_text,
            "alora",
            "`iss` claim of access tokens.",
            field="jwt_issuer",
        ),
        Variable(
            "ALORA_JWT_AUDIENCE",
            parse_text,
            "alora-api",
            "`aud` claim of access tokens.",
            field="jwt_audience",
        ),
        Variable(
            "ALORA_REQUIRE_VERIFIED_EMAIL",
            parse_bool,
            "true",
            "Login needs a verified email.",
            field="require_verified_email",
        ),
        Variable(
            "ALORA_DEFAULT_PHONE_REGION",
            parse_region,
            "US",
            "Region for phone numbers written without a country code.",
            field="default_phone_region",
        ),
        Variable(
            "ALORA_ARGON2_MEMORY_KIB",
            parse_int(19456, 4_194_304),
            "19456",
            "argon2id memory cost in KiB (minimum 19 MiB).",
            field="argon2_memory_kib",
        ),
        Variable(
            "ALORA_ARGON2_TIME_COST",
            parse_int(2, 100),
            "2",
            "argon2id iterations.",
            field="argon2_time_cost",
        ),
        Variable(
            "ALORA_ARGON2_PARALLELISM",
            parse_int(1, 64),
            "1",
            "argon2id lanes.",
            field="argon2_parallelism",
        ),
        Variable(
            "ALORA_ARGON2_MAX_CONCURRENT",
            parse_int(0, 256),
            "0",
            "Passwords hashed at a time per process (others wait their turn); 0: one fewer "
            "than the machine's cores, at least one.",
            field="argon2_max_concurrent",
        ),
        Variable(
            "ALORA_LOGIN_MAX_FAILURES",
            parse_int(1, 1000),
            "5",
            "Wrong passwords (sign-in and change-password) per account, per unknown "
            "identifier, and sign-in failures per IP, within the window before 429.",
            field="login_max_failures",
        ),
        Variable(
            "ALORA_LOGIN_WINDOW_MINUTES",
            parse_int(1, 1440),
            "15",
            "Window for failed logins.",
            field="login_window_minutes",
        ),
        Variable(
            "ALORA_CODE_MAX_FAILURES",
            parse_int(1, 100),
            "20",
            "Wrong emailed codes per account and purpose (verification, password reset) within "
            "the window before 429, however many codes were sent.",
            field="code_max_failures",
        ),
        Variable(
            "ALORA_CODE_FAILURE_WINDOW_HOURS",
            parse_int(1, 168),
            "24",
            "Window for wrong emailed codes.",
            field="code_failure_window_hours",
        ),
        Variable(
            "ALORA_AUTH_RATE_PER_MINUTE",
            parse_int(1, 100_000),
            "60",
            "Requests per minute per IP to the public auth routes.",
            field="auth_rate_per_minute",
        ),
        Variable(
            "ALORA_ADMIN_PASSWORD",
            parse_text,
            "",
            "Password for `alora users create-admin` when `--password` is not given.",
            field="admin_password",
        ),
        Variable(
            "ALORA_SIGNED_IN_CACHE_SECONDS",
            parse_int(0, 3600),
            "60",
            "How long an API process may keep who is signed in with which session without "
            "reading the database again (revocations reach every process at once anyway); "
            "0 turns the cache off.",
            field="signed_in_cache_seconds",
        ),
    ),
)


def _signed_in_cache(wiring: Wiring) -> SignedInCache:
    """The process's signed-in cache, shared by the commands and the after-commit hook.

    With Redis, processes tell each other what to forget. Without it, forgetting reaches
    this process only, so the cache is kept only when the deployment is one process.
    """

    def make() -> SignedInCache:
        from adapters.signed_in_cache import LocalSignedInCache, RedisForgetChannel

        seconds = wiring.settings.of(IdentitySettings).signed_in_cache_seconds
        if seconds == 0 or (wiring.redis_url is None and wiring.processes > 1):
            return NoSignedInCache()
        if wiring.redis_url is None:
            return LocalSignedInCache(keep_seconds=seconds)
        from adapters.redis_client import redis_client

        channel = RedisForgetChannel(redis_client(wiring.redis_url, client_name="alora-signed-in"))
        wiring.closers.append(channel.close)
        return LocalSignedInCache(keep_seconds=seconds, channel=channel)

    cache: SignedInCache = wiring.once("identity.signed_in", make)
    return cache


def _deps(wiring: Wiring) -> identity.IdentityDeps:
    """The identity use cases' dependencies, shared by the commands and the jobs."""
    deps: identity.IdentityDeps = wiring.once("identity.deps", partial(_make_deps, wiring))
    return deps


def _make_deps(wiring: Wiring) -> identity.IdentityDeps:
    from adapters.argon2_hasher import Argon2PasswordHasher
    from adapters.jwt_tokens import JwtTokenIssuer
    from adapters.look_alikes import IcuLookAlikes
    from adapters.phones import LibPhoneNumbers

    settings = wiring.settings.of(IdentitySettings)
    hasher = wiring.hasher or Argon2PasswordHasher(
        memory_kib=settings.argon2_memory_kib,
        time_cost=settings.argon2_time_cost,
        parallelism=settings.argon2_parallelism,
        max_concurrent=settings.argon2_max_concurrent or None,
    )
    return identity.IdentityDeps(
        clock=wiring.clock,
        hasher=hasher,
        tokens=JwtTokenIssuer(
            wiring.settings.secret_key,
            settings.jwt_issuer,
            settings.jwt_audience,
            timedelta(minutes=settings.access_token_minutes),
        ),
        phones=LibPhoneNumbers(settings.default_phone_region),
        look_alikes=IcuLookAlikes(),
        limiter=wiring.limiter,
        signed_in=_signed_in_cache(wiring),
        config=identity.IdentityConfig(
            code_secret=wiring.secret("codes"),
            require_verified_email=settings.require_verified_email,
            refresh_lifetime=timedelta(days=settings.refresh_token_days),
            max_sessions=settings.max_sessions,
            login_failures=Limit(
                settings.login_max_failures, timedelta(minutes=settings.login_window_minutes)
            ),
            code_failures=Limit(
                settings.code_max_failures, timedelta(hours=settings.code_failure_window_hours)
            ),
        ),
    )


def _commands(wiring: Wiring) -> Mapping[type, CommandHandler]:
    return identity.command_handlers(_deps(wiring))


def _subscribe(subscriptions: ContextSubscriptions, wiring: Wiring) -> None:
    handlers.subscribe(subscriptions, mailer=wiring.mailer, branding=wiring.branding)
    subscriptions.add(
        CodeRequested,
        "identity.issue_requested_code",
        partial(issue_requested_code, deps=_deps(wiring)),
    )


async def _may_see_presence(alora: Alora, actor: Any, user_id: uuid.UUID) -> bool:
    """A user's presence is theirs to show to whoever may see their profile."""
    try:
        await alora.bus.handle(GetPublicProfile(viewer=actor, user_id=user_id))
    except AloraError:
        return False
    return True


async def _after_commit(
    committed: list[DomainEvent], cache: SignedInCache, realtime: Realtime
) -> None:
    """Forget the users the commit changed, and recheck who follows their presence."""
    await forget_changed(committed, cache, realtime)
    await recheck_presence_followers(committed, realtime)


async def _otp_cleanup(alora: Alora, scheduled_for: datetime) -> str:
    deleted = await alora.bus.handle(PurgeExpiredCodes())
    return f"deleted {deleted} expired or used-up one-time code(s)"


async def _session_cleanup(alora: Alora, scheduled_for: datetime) -> str:
    deleted = await alora.bus.handle(PurgeEndedSessions())
    return f"deleted {deleted} session(s) that ended more than a day ago"


MODULE = ContextModule(
    name="identity",
    sql_unit_of_work="adapters.sqlalchemy.identity.uow:SqlIdentityUnitOfWork",
    memory_unit_of_work="adapters.memory.identity.uow:MemoryIdentityUnitOfWork",
    tables=("adapters.sqlalchemy.identity.tables",),
    migrations="adapters.sqlalchemy.identity.migrations",
    settings=SETTINGS,
    commands=_commands,
    subscribe=_subscribe,
    after_commit=lambda wiring: partial(
        _after_commit, cache=_signed_in_cache(wiring), realtime=wiring.realtime
    ),
    notices=lambda wiring: notices.notice_rules(wiring.branding),
    jobs=(
        ScheduledJob(
            "otp-cleanup",
            "Delete one-time codes that expired or were used up.",
            _otp_cleanup,
            "0 0 * * *",
        ),
        ScheduledJob(
            "session-cleanup",
            "Delete sessions that expired or were revoked more than a day ago.",
            _session_cleanup,
            "0 */6 * * *",
        ),
    ),
    routes="entrypoints.http.identity:ROUTE_HANDLERS",
    statistics="entrypoints.http.identity.statistics:SHAPE",
    topics={"presence": _may_see_presence},
    cli="entrypoints.cli.users:register",
    seed="entrypoints.cli.seed_users:seed_users",
)
