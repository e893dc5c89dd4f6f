"""``python -m bench``: start throwaway Alora deployments and report the benchmark ratios.

Steps: a temporary ``ALORA_VAR_DIR`` and database (SQLite, or a database created on PostgreSQL),
``alora db upgrade``, the real server under uvicorn, a verified user made over HTTP, then
measurement A (``/api/v1/auth/me`` vs the minimal Litestar app and the in-app bare route) and B
(``/health`` latency idle vs. during sign-ins). D, the marketplace (``bench.marketplace``): list
throughput against the minimal Litestar app and Express 5 (``bench.comparators``), bookings/s on
SQLite and PostgreSQL. C, the notification fan-out (``bench.fanout``): embedded (one ``alora
serve``, SQLite) and with Redis (two ``alora serve``, one ``alora worker``, PostgreSQL). E, the
scale-out (``bench.scale``): fan-out and bookings with N = 1, 2, 4 API processes; its N = 2 is
C's Redis row when both run. G, the chat (``bench.chat``): 500 direct conversations between
1,000 sockets, messages sent over HTTP at a fixed rate, embedded and with Redis and two API
processes. F, the layers (``bench.middleware``): what each layer around a
route costs per request, in process. Prints the goals table and the details and writes the
JSON report (``var/bench/latest.json``).
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

from attrs import evolve

from bench.app import BARE_PATH
from bench.chat import ChatOptions, ChatResult, run_chat
from bench.client import HttpConnection, HttpError, expect
from bench.comparators import DEFAULT_NODE_CACHE, Express, prepare_express, running_comparators
from bench.fanout import (
    DEFAULT_REDIS_URL,
    MAX_RECIPIENTS_PER_REQUEST,
    SETUPS,
    SHAPES,
    FanoutOptions,
    FanoutResult,
    Setup,
    run_fanout,
)
from bench.load import LoadGenerator, choose_generator
from bench.marketplace import MarketplaceResult, run_marketplace
from bench.middleware import measure as measure_layers
from bench.middleware import report as layers_report
from bench.report import DEFAULT_OUTPUT, build_report, render, write_report
from bench.scale import DEFAULT_COUNTS, ScaleResult, run_scale
from bench.scenarios import LoadedLatency, Throughput, measure_latency, measure_throughput
from bench.server import (
    DEFAULT_POSTGRES_URL,
    PORTS,
    BenchSetupError,
    Database,
    migrate,
    running_server,
    throwaway_environment,
)
from bench.user import ME_PATH, create_verified_user

DATABASE_URL_ENV = "ALORA_BENCH_DATABASE_URL"
REDIS_URL_ENV = "ALORA_BENCH_REDIS_URL"
PARTS = ("http", "marketplace", "fanout", "chat", "scale", "layers")
NO_EXPRESS = Express(None, None, None, None, "not used")
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


def _even(raw: str) -> int:
    value = int(raw)
    if value < 2 or value % 2:
        raise argparse.ArgumentTypeError("expected an even number of at least 2")
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


def _counts(raw: str) -> list[int]:
    if raw.strip().lower() in ("", "0", "none", "off"):
        return []
    counts: list[int] = []
    for part in filter(None, (p.strip() for p in raw.split(","))):
        count = _positive(part)
        if count not in counts:
            counts.append(count)
    return counts


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
        help="run one part: http (A and B: throughput and latency ratios), marketplace (D: "
        "lists and bookings), fanout (C: notification fan-out), chat (G: messages between "
        "sockets in direct conversations), scale (E: N API processes) or layers (F: CPU per "
        "request of each layer around a route); default all",
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
        "--chat-setups",
        type=_setups,
        default=list(SETUPS),
        metavar="SETUPS",
        help="chat deployments, comma-separated: embedded and/or redis, as --fanout-setups "
        "(default both)",
    )
    parser.add_argument(
        "--chat-users",
        type=_even,
        default=1000,
        help="chat users, one socket each, in pairs of a direct conversation (default 1000)",
    )
    parser.add_argument(
        "--chat-rate",
        type=_positive,
        default=500,
        help="messages sent per second over HTTP, spread over the conversations (default 500)",
    )
    parser.add_argument(
        "--chat-duration",
        type=_positive,
        default=20,
        help="seconds of sending (default 20)",
    )
    parser.add_argument(
        "--chat-drain",
        type=_seconds,
        default=10.0,
        help="seconds after the last answer when undelivered messages count as lost (default 10)",
    )
    parser.add_argument(
        "--marketplace-databases",
        type=_databases,
        default=list(DATABASES),
        metavar="DATABASES",
        help="databases of D (marketplace), comma-separated: sqlite and/or postgres; default both",
    )
    parser.add_argument(
        "--scale",
        type=_counts,
        default=list(DEFAULT_COUNTS),
        metavar="N,N,...",
        help="API process counts of the scale-out (E), on PostgreSQL + Redis with one alora "
        "worker; 'none' skips it (default 1,2,4). When it includes 2 and C's redis setup is "
        "chosen, C's redis row is E's N=2 run rather than a deployment of its own",
    )
    parser.add_argument(
        "--scale-clients",
        type=_positive,
        help="WebSocket clients of the scale-out (default: --fanout-clients)",
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
    run_scale_part = args.only in (None, "scale") and bool(args.scale)
    setups: list[Setup] = list(args.fanout_setups) if args.only in (None, "fanout") else []
    redis_from_scale = args.only is None and run_scale_part and 2 in args.scale
    redis_from_scale = redis_from_scale and "redis" in setups
    express = NO_EXPRESS
    if args.only in (None, "marketplace"):
        express = await prepare_express(DEFAULT_NODE_CACHE, progress)
        progress(
            f"Express comparator: {express.missing}"
            if express.missing
            else f"Express {express.version} on Node {express.node_version} ({express.directory})"
        )
    throughput: Throughput | None = None
    latency: LoadedLatency | None = None
    database_label: str | None = None
    server_log: Path | None = None
    http_error: str | None = None
    if generator is not None:
        try:
            throughput, latency, database_label, server_log = await _run_http(
                args, generator, database, postgres_url
            )
        except (BenchSetupError, HttpError, RuntimeError, OSError, TimeoutError) as exc:
            http_error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            progress(f"A and B failed: {http_error}")
    marketplace: list[MarketplaceResult] = []
    if args.only in (None, "marketplace"):
        assert market_generator is not None
        for index, market_database in enumerate(args.marketplace_databases):
            marketplace.append(
                await run_marketplace(
                    market_database,
                    market_generator,
                    postgres_url=postgres_url,
                    duration=args.duration,
                    connections=args.connections,
                    rounds=args.rounds,
                    progress=progress,
                    express=express,
                    measure_lists=index == 0,
                )
            )
    options = FanoutOptions(
        clients=args.fanout_clients,
        timeout=args.fanout_timeout,
        batch=args.fanout_batch,
        postgres_url=postgres_url,
        redis_url=args.redis_url,
    )
    fanout: list[FanoutResult] = []
    for setup in setups:
        if setup == "redis" and redis_from_scale:
            continue
        destination = args.output.with_suffix(f".fanout-{setup}.log")
        fanout.append(
            await run_fanout(setup, options, log_destination=destination, progress=progress)
        )
    chat: list[ChatResult] = []
    if args.only in (None, "chat"):
        chat_options = ChatOptions(
            users=args.chat_users,
            rate=args.chat_rate,
            duration=args.chat_duration,
            drain=args.chat_drain,
            postgres_url=postgres_url,
            redis_url=args.redis_url,
        )
        for setup in args.chat_setups:
            destination = args.output.with_suffix(f".chat-{setup}.log")
            chat.append(
                await run_chat(setup, chat_options, log_destination=destination, progress=progress)
            )
    scale: ScaleResult | None = None
    if run_scale_part:
        scale = await run_scale(
            args.scale,
            evolve(options, clients=args.scale_clients or args.fanout_clients),
            duration=args.duration,
            log_destination=args.output.with_suffix(".scale.log"),
            progress=progress,
        )
        if redis_from_scale:
            fanout.append(_redis_row(scale))
    shown_generator = generator or market_generator
    report = build_report(
        started_at=started_at,
        seconds=time.monotonic() - clock,
        database=database if generator is not None else None,
        database_label=database_label,
        generator=shown_generator.name if shown_generator is not None else None,
        options={
            "only": args.only,
            "duration": args.duration,
            "connections": args.connections,
            "rounds": args.rounds,
            "latencyRequests": args.latency_requests,
            "loginClients": args.login_clients,
            "marketplaceDatabases": list(args.marketplace_databases),
            "fanoutSetups": list(args.fanout_setups),
            "fanoutClients": args.fanout_clients,
            "fanoutBatch": args.fanout_batch,
            "fanoutTimeoutSeconds": args.fanout_timeout,
            "scale": list(args.scale),
            "scaleClients": args.scale_clients or args.fanout_clients,
            "chatSetups": list(args.chat_setups),
            "chatUsers": args.chat_users,
            "chatRate": args.chat_rate,
            "chatDurationSeconds": args.chat_duration,
            "chatDrainSeconds": args.chat_drain,
        },
        throughput=throughput,
        latency=latency,
        fanout=fanout,
        chat=chat,
        marketplace=marketplace,
        scale=scale,
        comparators=_comparators(express),
        ports=PORTS.summary(),
        notes=_notes(
            http=generator is not None, fanout=bool(fanout) or scale is not None, chat=bool(chat)
        ),
    )
    report["serverLog"] = str(server_log) if server_log is not None else None
    report["httpError"] = http_error
    if args.only in (None, "layers"):
        progress("layers: CPU per request of each layer around a route, in process")
        report["layers"] = await measure_layers()
    return report


def _redis_row(scale: ScaleResult) -> FanoutResult:
    """C's redis row: the scale-out's N = 2 (2 alora serve + 1 worker, PostgreSQL, Redis)."""
    description = f"{SHAPES['redis'].description} (the scale-out's N = 2)"
    point = next((p for p in scale.points if p.processes == 2), None)
    if point is not None and point.fanout is not None:
        return evolve(point.fanout, description=description, logs=scale.logs)
    error = (point.error if point is not None else None) or scale.error or "not run"
    return FanoutResult("redis", description, error=error, logs=scale.logs)


def _comparators(express: Express) -> dict[str, Any]:
    express_text = (
        express.missing
        if express.missing
        else f"Express {express.version} on Node {express.node_version}"
    )
    return {
        "bare": "minimal Litestar app (bench.bare), own uvicorn process, one worker, same "
        "options as Alora's; same bytes from memory",
        "inApp": "GET /bench/bare[/<list>] inside Alora's app (its middleware, no auth or DB)",
        "express": None if express.missing else express_text,
        "expressMissing": express.missing,
        "summary": "bare = minimal Litestar (own uvicorn process)"
        + ("" if express is NO_EXPRESS else f"; {express_text}"),
    }


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
            await _check_same_body(server.port, BARE_PATH, user.me_body)
            progress(f"user {user.email} signed in; load generator: {generator.name}")
            async with running_comparators(
                {"me.json": user.me_body}, NO_EXPRESS, log_dir=environment.root
            ) as comparators:
                minimal = comparators.litestar.port
                progress(f"minimal Litestar on port {minimal}")
                await _check_same_body(minimal, ME_PATH, user.me_body)
                throughput = await measure_throughput(
                    generator,
                    server.port,
                    user,
                    minimal_port=minimal,
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


async def _check_same_body(port: int, path: str, me_body: bytes) -> None:
    async with HttpConnection(port) as http:
        bare = expect(await http.request("GET", path), 200, f"GET {path}")
    if bare.body != me_body:
        raise HttpError(f"GET {path} (port {port}) does not return the body of GET {ME_PATH}")


def _notes(*, http: bool, fanout: bool, chat: bool = False) -> list[str]:
    cpus = os.cpu_count() or 1
    notes = []
    if http:
        notes += [
            "one uvicorn worker; access log off, log level warning, for Alora and the minimal "
            "Litestar app alike",
            "compare ratios, not absolute numbers: they drift between machines and runs",
        ]
    if fanout:
        notes.append(
            "fan-out latencies include this process reading 1 socket per client on one "
            "asyncio loop; the servers, the worker, the databases and the clients share the "
            "machine"
        )
    if chat:
        notes.append(
            "chat latencies include this process writing the sends and reading 1 socket per "
            "user on one asyncio loop; its CPU share is in the chat details"
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
    if "layers" in report:
        print("\n" + layers_report(report["layers"]))
    if report["httpError"]:
        print(f"\nA and B FAILED: {report['httpError']}")
    output = write_report(report, args.output)
    logs = [report["serverLog"], *(f["logs"] for f in report.get("fanout", {}).get("setups", []))]
    logs += [c["logs"] for c in report.get("chat", {}).get("setups", [])]
    logs += [report["scale"]["logs"]] if "scale" in report else []
    logs = list(dict.fromkeys(logs))
    shown = "; logs: " + ", ".join(str(log) for log in logs if log) if any(logs) else ""
    print(f"\nJSON report: {output}{shown}")
    failed = [f["setup"] for f in report.get("fanout", {}).get("setups", []) if f["error"]]
    failed += [f"chat {c['setup']}" for c in report.get("chat", {}).get("setups", []) if c["error"]]
    failed += ["A and B"] if report["httpError"] else []
    failed += [f"marketplace {m['database']}" for m in report.get("marketplace", []) if m["error"]]
    scale = report.get("scale")
    if scale and (scale["error"] or any(p["error"] for p in scale["points"])):
        failed.append("the scale-out")
    if failed:
        progress(f"error: failed: {', '.join(failed)} (see the report)")
        return 1
    return 0
