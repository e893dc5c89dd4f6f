"""What ``alora serve`` checks before it says it is serving, so that a server that cannot work
refuses to start with one line saying why (``CommandError``) instead of answering 503s.

The port must be free; the database must be reachable, exist and be migrated to this version
of Alora; Redis, when configured, must answer. A deployment that sends background work to
workers (``ALORA_BACKGROUND=external``) where no ``alora worker`` ever started gets a warning:
the API works, and its jobs wait in the outbox until a worker runs.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import sys
from typing import Any

from sqlalchemy.engine import make_url

from entrypoints.cli.main import NOT_MIGRATED, CommandError
from entrypoints.settings import Settings

__all__ = ["check_before_serving", "check_database", "check_port"]

# PostgreSQL's SQLSTATEs for a database that does not exist and a refused sign-in.
_NO_SUCH_DATABASE = "3D000"
_SIGN_IN_REFUSED = ("28000", "28P01")


def check_before_serving(settings: Settings, host: str, port: int) -> None:
    """Raise ``CommandError`` for the first reason ``alora serve`` could not work; warn (on
    stderr) about what would work but not as configured."""
    check_port(host, port)
    asyncio.run(check_database(settings.database_url))
    if settings.redis_url:
        note = asyncio.run(_check_redis(settings.redis_url, settings.background == "external"))
        if note:
            print(f"warning: {note}", file=sys.stderr, flush=True)


def check_port(host: str, port: int) -> None:
    """Whether ``host:port`` can be listened on, as uvicorn will (``SO_REUSEADDR``)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise CommandError(f"cannot listen on {host!r}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CommandError(
                    f"port {port} on {host} is already in use (is Alora already running?): "
                    "stop that process, or choose another port with --port or ALORA_PORT"
                ) from None
            raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


async def check_database(url: str) -> None:
    """Whether the database can be reached, exists and is migrated to this version's heads."""
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy.pool import NullPool

    from adapters.sqlalchemy.database import create_engine, safe_url
    from entrypoints.migrations import heads, reached

    engine = create_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            current = await connection.run_sync(
                lambda sync: set(MigrationContext.configure(sync).get_current_heads())
            )
    except Exception as exc:
        raise CommandError(_database_problem(url, exc)) from None
    finally:
        await engine.dispose()
    if not current:
        raise CommandError(
            f"the database {safe_url(url)} is empty (never migrated): run `alora db upgrade`"
        )
    if not heads() <= reached(current):  # a branch's head stands for what it depends on
        raise CommandError(NOT_MIGRATED)


def _database_problem(url: str, exc: Exception) -> str:
    from adapters.sqlalchemy.database import safe_url

    cause: Any = getattr(exc, "orig", None) or exc
    cause = getattr(cause, "__cause__", None) or cause  # the driver's own error
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    shown = safe_url(url)
    if state == _NO_SUCH_DATABASE:
        parsed = make_url(url)
        createdb = " ".join(
            part
            for part in (
                "createdb",
                f"-h {parsed.host}" if parsed.host else "",
                f"-p {parsed.port}" if parsed.port else "",
                f"-U {parsed.username}" if parsed.username else "",
                parsed.database or "",
            )
            if part
        )
        return (
            f'the database "{parsed.database}" does not exist on {parsed.host or "localhost"}: '
            f"create it (`{createdb}`), then run `alora db upgrade`"
        )
    if state in _SIGN_IN_REFUSED:
        return f"the database {shown} refused the sign-in: {cause}"
    return f"the database {shown} cannot be reached: {cause}"


async def _check_redis(url: str, needs_worker: bool) -> str | None:
    from adapters.redis_client import redis_client
    from entrypoints.worker.broker import worker_never_seen

    redis = redis_client(url)
    try:
        await redis.ping()
        never_seen = needs_worker and await worker_never_seen(redis) is not None
    except Exception as exc:
        raise CommandError(f"Redis at {_safe_redis(url)} cannot be reached: {exc}") from None
    finally:
        await redis.aclose()
    if never_seen:
        return (
            "no `alora worker` has ever started on this Redis: background work (emails, "
            "notifications) waits in the outbox until one runs; /health/ready says so"
        )
    return None


def _safe_redis(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
