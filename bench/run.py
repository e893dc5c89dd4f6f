"""``python -m bench``: start a throwaway Alora and report the benchmark ratios.

Steps: a temporary ``ALORA_VAR_DIR`` and database (SQLite, or a database created on PostgreSQL),
``alora db upgrade``, the real server under uvicorn, a verified user made over HTTP, then
measurement A (``/api/v1/auth/me`` vs ``/bench/bare`` throughput) and B (``/health`` latency idle
vs. during sign-ins). Then C, the notification fan-out (``bench.fanout``), on deployments of its
own: embedded (one ``alora serve``, SQLite) and with Redis (two ``alora serve``, one ``alora
worker``, PostgreSQL). Prints a table and writes the JSON report (``var/bench/latest.json``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.app import BARE_PATH
from bench.client import HttpConnection, HttpError, expect
from bench.fanout import (
    DEFAULT_REDIS_URL,
    MAX_RECIPIENTS_PER_REQUEST,
    SETUPS,
    FanoutOptions,
    FanoutResult,
    Setup,
    run_fanout,
)
from bench.load import LoadGenerator, choose_generator
from bench.marketplace import MarketplaceResult, run_marketplace
from bench.report import DEFAULT_OUTPUT, build_report, render, write_report
from bench.scenarios import LoadedLatency, Throughput, measure_latency, measure_throughput
from bench.server import (
    DEFAULT_POSTGRES_URL,
    BenchSetupError,
    Database,
    migrate,
    running_server,
    throwaway_environment,
)
from bench.user import create_verified_user

DATABASE_URL_ENV = "ALORA_BENCH_DATABASE_URL"
REDIS_URL_ENV = "ALORA_BENCH_REDIS_URL"
PARTS = ("http", "fanout", "marketplace")
DATABASES: tuple[Database, ...] = ("sqlite", "postgres")


def _positive(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise argparse.ArgumentTypeError("expected a whole number of at least 1")
    return value


def _seconds(raw: str) -> float:
    value = float(raw)
    if not value > 0:
        raise argparse.ArgumentTypeError("expected a number of seconds above 0")
    return value


def _batch(raw: str) -> int:
    value = int(raw)
    if not 1 <= value <= MAX_RECIPIENTS_PER_REQUEST:
        raise argparse.ArgumentTypeError(f"expected 1 to {MAX_RECIPIENTS_PER_REQUEST}")
    return value


def _setups(raw: str) -> list[Setup]:
    chosen: list[Setup] = []
    for name in filter(None, (part.strip() for part in raw.split(","))):
        setup = next((s for s in SETUPS if s == name), None)
        if setup is None:
            raise argparse.ArgumentTypeError(f"{name!r}: expected {' or '.join(SETUPS)}")
        if setup not in chosen:
            chosen.append(setup)
    if not chosen:
        raise argparse.ArgumentTypeError(f"expected {', '.join(SETUPS)}")
    return chosen


def _databases(raw: str) -> list[Database]:
    chosen: list[Database] = []
    for name in filter(None, (part.strip() for part in raw.split(","))):
        database = next((d for d in DATABASES if d == name), None)
        if database is None:
            raise argparse.ArgumentTypeError(f"{name!r}: expected sqlite or postgres")
        if database not in chosen:
            chosen.append(database)
    if not chosen:
        raise argparse.ArgumentTypeError("expected sqlite, postgres or both")
    return chosen


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Start a throwaway Alora server and report throughput and latency ratios "
        "measured in one run, then the notification fan-out to many WebSocket clients on "
        "deployments of its own. Not a test: nothing is asserted.",
    )
    parser.add_argument(
        "--only",
        choices=PARTS,
        help="run one part: http (A and B: throughput and latency ratios), fanout (C: "
        "notification fan-out) or marketplace (D: lists and bookings); default all",
    )
    parser.add_argument(
        "--duration", type=_positive, default=5, help="seconds per throughput round (default 5)"
    )
    parser.add_argument(
        "--connections", type=_positive, default=32, help="concurrent connections (default 32)"
    )
    parser.add_argument(
        "--rounds", type=_positive, default=3, help="throughput rounds per route (default 3)"
    )
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres"],
        help=f"database of A and B; default: postgres when {DATABASE_URL_ENV} is set, else "
        "sqlite. PostgreSQL runs (and C's redis setup) create and drop their own database on "
        f"the server of {DATABASE_URL_ENV} (default {DEFAULT_POSTGRES_URL})",
    )
    parser.add_argument(
        "--generator",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="load generator: wrk if on PATH, else Python asyncio (default auto)",
    )
    parser.add_argument(
        "--latency-requests",
        type=_positive,
        default=2000,
        help="sequential /health requests per latency sample (default 2000)",
    )
    parser.add_argument(
        "--login-clients",
        type=_positive,
        default=8,
        help="clients (each its own user) signing in during the loaded latency sample (default 8)",
    )
    parser.add_argument(
        "--fanout-setups",
        type=_setups,
        default=list(SETUPS),
        metavar="SETUPS",
        help="fan-out deployments, comma-separated: embedded (1 alora serve, SQLite, no Redis) "
        "and/or redis (2 alora serve + 1 alora worker, PostgreSQL, Redis); default both",
    )
    parser.add_argument(
        "--fanout-clients",
        type=_positive,
        default=1000,
        help="WebSocket clients (each its own user), one notification each (default 1000)",
    )
    parser.add_argument(
        "--fanout-batch",
        type=_batch,
        default=MAX_RECIPIENTS_PER_REQUEST,
        help="recipients per POST /api/v1/admin/notifications; the requests are sent at once "
        f"(default {MAX_RECIPIENTS_PER_REQUEST}: one request for 1000 clients)",
    )
    parser.add_argument(
        "--fanout-timeout",
        type=_seconds,
        default=30.0,
        help="seconds after the trigger when undelivered notifications are given up (default 30)",
    )
    parser.add_argument(
        "--marketplace-databases",
        type=_databases,
        default=list(DATABASES),
        metavar="DATABASES",
        help="databases of D (marketplace), comma-separated: sqlite and/or postgres; default both",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get(REDIS_URL_ENV) or DEFAULT_REDIS_URL,
        help="Redis database of the redis fan-out setup, FLUSHED before and after (default: "
        f"${REDIS_URL_ENV}, else {DEFAULT_REDIS_URL})",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"JSON report path (default {DEFAULT_OUTPUT}, relative to the current directory)",
    )
    return parser


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


async def run(
    args: argparse.Namespace,
    generator: LoadGenerator | None,
    market_generator: LoadGenerator | None = None,
) -> dict[str, Any]:
    task = asyncio.current_task()
    if task is not None:  # stop cleanly (and stop the server) on SIGTERM as on Ctrl-C
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    started_at, clock = datetime.now(UTC), time.monotonic()
    postgres_url = os.environ.get(DATABASE_URL_ENV, "") or DEFAULT_POSTGRES_URL
    database: Database = args.database or (
        "postgres" if os.environ.get(DATABASE_URL_ENV) else "sqlite"
    )
    throughput: Throughput | None = None
    latency: LoadedLatency | None = None
    database_label: str | None = None
    server_log: Path | None = None
    if generator is not None:
        throughput, latency, database_label, server_log = await _run_http(
            args, generator, database, postgres_url
        )
    marketplace: list[MarketplaceResult] = []
    if args.only in (None, "marketplace"):
        assert market_generator is not None
        for market_database in args.marketplace_databases:
            marketplace.append(
                await run_marketplace(
                    market_database,
                    market_generator,
                    postgres_url=postgres_url,
                    duration=args.duration,
                    connections=args.connections,
                    rounds=args.rounds,
                    progress=progress,
                )
            )
    fanout: list[FanoutResult] = []
    if args.only in (None, "fanout"):
        options = FanoutOptions(
            clients=args.fanout_clients,
            timeout=args.fanout_timeout,
            batch=args.fanout_batch,
            postgres_url=postgres_url,
            redis_url=args.redis_url,
        )
        for setup in args.fanout_setups:
            destination = args.output.with_suffix(f".fanout-{setup}.log")
            fanout.append(
                await run_fanout(setup, options, log_destination=destination, progress=progress)
            )
    report = build_report(
        started_at=started_at,
        seconds=time.monotonic() - clock,
        database=database if generator is not None else None,
        database_label=database_label,
        generator=generator.name if generator is not None else None,
        options={
            "only": args.only,
            "duration": args.duration,
            "connections": args.connections,
            "rounds": args.rounds,
            "latencyRequests": args.latency_requests,
            "loginClients": args.login_clients,
            "fanoutSetups": list(args.fanout_setups),
            "fanoutClients": args.fanout_clients,
            "fanoutBatch": args.fanout_batch,
            "fanoutTimeoutSeconds": args.fanout_timeout,
        },
        throughput=throughput,
        latency=latency,
        fanout=fanout,
        marketplace=marketplace,
        notes=_notes(http=generator is not None, fanout=bool(fanout)),
    )
    report["serverLog"] = str(server_log) if server_log is not None else None
    return report


async def _run_http(
    args: argparse.Namespace, generator: LoadGenerator, database: Database, postgres_url: str
) -> tuple[Throughput, LoadedLatency, str, Path]:
    """A and B on one bench server."""
    async with throwaway_environment(database, postgres_url) as environment:
        progress(f"database: {environment.database_label}; running alora db upgrade")
        progress(await migrate(environment) or "migrated")
        async with running_server(environment) as server:
            progress(f"server pid {server.pid} on 127.0.0.1:{server.port} (log {server.log})")
            user = await create_verified_user(server.port, environment.mail_dir)
            environment.bare_json.write_bytes(user.me_body)
            await _check_bare_matches_me(server.port, user.me_body)
            progress(f"user {user.email} signed in; load generator: {generator.name}")
            throughput = await measure_throughput(
                generator,
                server.port,
                user,
                duration=args.duration,
                connections=args.connections,
                rounds=args.rounds,
                progress=progress,
            )
            login_users = await asyncio.gather(
                *(
                    create_verified_user(server.port, environment.mail_dir)
                    for _ in range(args.login_clients)
                )
            )
            progress(
                f"latency of /health: {args.latency_requests} requests idle, then while "
                f"{args.login_clients} users sign in again and again"
            )
            latency = await measure_latency(
                server.port, login_users, requests=args.latency_requests
            )
        server_log = _keep_log(server.log, args.output.with_suffix(".server.log"))
    return throughput, latency, environment.database_label, server_log


def _keep_log(log: Path, destination: Path) -> Path:
    """Copy the server's log (warnings and errors) out of the temporary directory."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(log, destination)
    return destination


async def _check_bare_matches_me(port: int, me_body: bytes) -> None:
    async with HttpConnection(port) as http:
        bare = expect(await http.request("GET", BARE_PATH), 200, "GET /bench/bare")
    if bare.body != me_body:
        raise HttpError("GET /bench/bare does not return the body of GET /api/v1/auth/me")


def _notes(*, http: bool, fanout: bool) -> list[str]:
    cpus = os.cpu_count() or 1
    notes = []
    if http:
        notes += [
            "one uvicorn worker; access log off, log level warning, for both routes alike",
            "compare ratios, not absolute numbers: they drift between machines and runs",
        ]
    if fanout:
        notes.append(
            "fan-out latencies include this process reading 1 socket per client on one "
            "asyncio loop; the servers, the worker, the databases and the clients share the "
            "machine"
        )
    if cpus <= 4:
        notes.append(
            f"{cpus} CPU(s): the load generator, the sign-in clients, the WebSocket clients and "
            "argon2id share them with the server(s), which lowers absolute numbers (ratios "
            "largely compensate)"
        )
    return notes


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop]:
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        generator = choose_generator(args.generator) if args.only in (None, "http") else None
        market_generator = (
            choose_generator(args.generator) if args.only in (None, "marketplace") else None
        )
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            report = runner.run(run(args, generator, market_generator))
    except KeyboardInterrupt:
        progress("interrupted; the server was stopped")
        return 130
    except asyncio.CancelledError:  # SIGTERM
        progress("terminated; the server was stopped")
        return 143
    except (BenchSetupError, HttpError, RuntimeError) as exc:
        progress(f"error: {exc}")
        return 1
    print(render(report))
    output = write_report(report, args.output)
    logs = [report["serverLog"], *(f["logs"] for f in report.get("fanout", {}).get("setups", []))]
    shown = "; logs: " + ", ".join(str(log) for log in logs if log) if any(logs) else ""
    print(f"\nJSON report: {output}{shown}")
    failed = [f["setup"] for f in report.get("fanout", {}).get("setups", []) if f["error"]]
    if failed:
        progress(f"error: the fan-out failed for {', '.join(failed)} (see the report)")
        return 1
    return 0
