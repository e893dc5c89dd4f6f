"""E. Scale-out: the fan-out and the bookings with N = 1, 2, 4 ... API processes.

One deployment on a throwaway PostgreSQL database and a flushed Redis database, with one
``alora worker`` for the whole run. Accounts are stored directly (``bench.fanout.seed_accounts``):
an administrator, 20 professionals and one customer per WebSocket client (``--fanout-clients``,
at least 50). For each N in turn, N ``alora serve`` processes are started (each on a free port of
its own), measured and stopped before the next N; the database, the worker and the access
tokens carry over (the secret key and the sessions are the same), so the sign-ins (one argon2id
check per user) happen once, at the first N, spread over its processes. The first N also opens
the marketplace through the API (services, profiles, availability: ``bench.marketplace``).

Per N: the warm-up announcement, then the fan-out of ``bench.fanout`` (client ``i`` holds its
socket on process ``i mod N``; one ``POST /api/v1/admin/notifications`` to process 1), then the
bookings of ``bench.marketplace`` (50 customers, customer ``i`` posting to process ``i mod N``, on
distinct open slots, for ``--duration`` seconds). Reported per N: the share delivered within
500 ms, p50 and p99, bookings created/s and refused, and per process the sockets it held and
the bookings it created per second.
"""

from __future__ import annotations

import secrets
import time
import traceback
from collections.abc import Sequence
from contextlib import AsyncExitStack, suppress
from pathlib import Path

from attrs import evolve, field, frozen

from bench.client import HttpError
from bench.fanout import (
    Account,
    Client,
    FanoutOptions,
    FanoutResult,
    Fleet,
    SetupShape,
    _flush_redis,
    _keep_logs,
    measure,
    raise_open_files_limit,
    seed_accounts,
    sign_in_all,
    warm_up,
)
from bench.marketplace import (
    CUSTOMERS,
    PROFESSIONALS,
    BookingRate,
    Market,
    Progress,
    book,
    open_market,
)
from bench.server import (
    BenchSetupError,
    Environment,
    Server,
    migrate,
    running_server,
    running_worker,
    throwaway_environment,
)

DEFAULT_COUNTS = (1, 2, 4)


@frozen
class ScalePoint:
    processes: int
    fanout: FanoutResult | None = None
    bookings: BookingRate | None = None
    error: str | None = None


@frozen
class ScaleResult:
    clients: int
    database_label: str = ""
    redis_url: str = ""
    points: list[ScalePoint] = field(factory=list)
    sign_in_seconds: float = 0.0
    error: str | None = None
    logs: str | None = None


def shape(processes: int) -> SetupShape:
    return SetupShape(
        f"{processes} alora serve + 1 alora worker, PostgreSQL, Redis",
        "postgres",
        processes,
        1,
        redis=True,
    )


async def run_scale(
    counts: Sequence[int],
    options: FanoutOptions,
    *,
    duration: int,
    log_destination: Path,
    progress: Progress,
) -> ScaleResult:
    """All the counts on one deployment; a failure is returned in ``error``, not raised."""
    points: list[ScalePoint] = []
    label, sign_in_seconds, logs = "", 0.0, None
    try:
        raise_open_files_limit(options.clients + 512)
        await _flush_redis(options.redis_url)
        try:
            async with throwaway_environment(
                "postgres", options.postgres_url, {"ALORA_REDIS_URL": options.redis_url}
            ) as environment:
                label = environment.database_label
                try:
                    progress(f"scale-out: N = {', '.join(map(str, counts))}; database {label}")
                    progress(await migrate(environment) or "migrated")
                    password = f"bench-{secrets.token_urlsafe(12)}"
                    admin, users, pros = await seed_accounts(
                        environment,
                        max(options.clients, CUSTOMERS),
                        password,
                        professionals=PROFESSIONALS,
                    )
                    async with running_worker(environment):
                        tokens: list[str] = []
                        market: Market | None = None
                        for count in counts:
                            async with AsyncExitStack() as stack:
                                servers: list[Server] = [
                                    await stack.enter_async_context(
                                        running_server(
                                            environment, alora_serve=True, name=f"api{i + 1}"
                                        )
                                    )
                                    for i in range(count)
                                ]
                                ports = [server.port for server in servers]
                                progress(f"scale-out N={count}: alora serve on {ports}")
                                if not tokens:
                                    everyone = [admin, *pros, *users]
                                    started = time.perf_counter()
                                    tokens = await sign_in_all(
                                        [
                                            (ports[i % count], account.email)
                                            for i, account in enumerate(everyone)
                                        ],
                                        password,
                                    )
                                    sign_in_seconds = time.perf_counter() - started
                                    progress(
                                        f"scale-out: {len(everyone)} users signed in in "
                                        f"{sign_in_seconds:.1f} s"
                                    )
                                    market = await open_market(
                                        ports[0], tokens[: 1 + len(pros) + CUSTOMERS], pros
                                    )
                                assert market is not None
                                clients = list(zip(users, tokens[1 + len(pros) :], strict=True))[
                                    : options.clients
                                ]
                                points.append(
                                    await _point(
                                        count,
                                        ports,
                                        environment,
                                        options,
                                        admin,
                                        tokens[0],
                                        clients,
                                        market,
                                        duration,
                                        progress,
                                    )
                                )
                finally:
                    if _keep_logs(environment.root, log_destination):
                        logs = str(log_destination)
        finally:
            with suppress(BenchSetupError):
                await _flush_redis(options.redis_url)
    except Exception as exc:
        if not isinstance(exc, BenchSetupError | RuntimeError | OSError | TimeoutError):
            traceback.print_exc()
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        progress(f"scale-out: failed: {error}")
        return ScaleResult(options.clients, label, options.redis_url, points, 0.0, error, logs)
    return ScaleResult(
        options.clients, label, options.redis_url, points, sign_in_seconds, None, logs
    )


async def _point(
    count: int,
    ports: list[int],
    environment: Environment,
    options: FanoutOptions,
    admin: Account,
    admin_token: str,
    clients: list[tuple[Account, str]],
    market: Market,
    duration: int,
    progress: Progress,
) -> ScalePoint:
    """One N, measured on its running processes; a failure is kept in the point."""
    try:
        warmup_ms = await warm_up(ports, admin, admin_token)
        progress(f"scale-out N={count}: warm-up notification delivered in {warmup_ms:.0f} ms")
        fleet = Fleet(
            [
                Client(ports[index % count], account.user_id, token)
                for index, (account, token) in enumerate(clients)
            ]
        )
        fanout = await measure(
            fleet, "redis", shape(count), environment, options, ports, admin_token
        )
        fanout = evolve(fanout, warmup_ms=warmup_ms)
        progress(
            f"scale-out N={count}: {fanout.delivered}/{fanout.connected} delivered, "
            f"{fanout.within_share:.1%} within 500 ms"
        )
        bookings = await book(ports, market, duration, progress)
    except (BenchSetupError, HttpError, RuntimeError, OSError, TimeoutError) as exc:
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        progress(f"scale-out N={count}: failed: {error}")
        return ScalePoint(count, error=error)
    return ScalePoint(count, fanout, bookings)
