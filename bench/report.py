"""The bench report: one JSON document (written to a file) and the table printed from it."""

from __future__ import annotations

import json
import math
import os
import platform
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.fanout import ANNOUNCE_PATH, CONNECT_CONCURRENCY, WITHIN_MS, FanoutResult
from bench.marketplace import MarketplaceResult
from bench.scenarios import EndpointThroughput, LoadedLatency, Throughput, percentile

DEFAULT_OUTPUT = Path("var/bench/latest.json")


def _r(value: float, digits: int = 3) -> float:
    return round(value, digits)


def _n(value: float, digits: int = 1) -> float | None:
    """Rounded, or None for NaN (not a JSON number)."""
    return None if math.isnan(value) else round(value, digits)


def _endpoint(result: EndpointThroughput) -> dict[str, Any]:
    return {
        "path": result.path,
        "rps": _r(result.rps, 1),
        "roundsRps": [_r(r.rps, 1) for r in result.rounds],
        "requests": sum(r.requests for r in result.rounds),
        "failures": result.failures,
    }


def _percentiles(samples: list[float]) -> dict[str, float | None]:
    return {
        "p50Ms": _n(percentile(samples, 50)),
        "p95Ms": _n(percentile(samples, 95)),
        "p99Ms": _n(percentile(samples, 99)),
    }


def _fanout_setup(result: FanoutResult, batch: int) -> dict[str, Any]:
    if result.error is not None:
        return {
            "setup": result.setup,
            "description": result.description,
            "error": result.error,
            "logs": result.logs,
        }
    return {
        "setup": result.setup,
        "description": result.description,
        "error": None,
        "database": result.database_label,
        "redis": result.redis_url,
        "apiProcesses": result.api_processes,
        "workers": result.workers,
        "clients": result.requested_clients,
        "connected": result.connected,
        "connectFailures": result.connect_failures,
        "connectSeconds": _r(result.connect_seconds, 2),
        "warmupMs": _n(result.warmup_ms),
        "triggerRequests": result.trigger_requests,
        "recipientsPerRequest": batch,
        "created": result.created,
        "triggerAnsweredMs": _n(result.trigger_ms),
        "expected": result.connected,
        "delivered": result.delivered,
        "undelivered": result.connected - result.delivered,
        **_percentiles(result.latencies_ms),
        "maxMs": _n(max(result.latencies_ms, default=math.nan)),
        "deliveredWithin500msShare": _n(result.within_share, 4),
        "wallSeconds": _r(result.wall_seconds, 3),
        "sinceCreatedAt": _percentiles(result.since_created_ms),
        "byProcess": [
            {
                "port": process.port,
                "clients": process.clients,
                "delivered": len(process.latencies_ms),
                **_percentiles(process.latencies_ms),
            }
            for process in result.per_process
        ],
        "undeliveredUserIds": result.undelivered_users[:20],
        "closedEarly": result.closed_early,
        "logs": result.logs,
    }


def _fanout(results: Sequence[FanoutResult], options: dict[str, Any]) -> dict[str, Any]:
    setups = [_fanout_setup(result, options["fanoutBatch"]) for result in results]
    by_name = {s["setup"]: s for s in setups if s["error"] is None and s["delivered"]}
    ratio = None
    if "embedded" in by_name and "redis" in by_name:
        embedded, redis = by_name["embedded"], by_name["redis"]
        ratio = {
            key: _n(redis[f"{key}Ms"] / embedded[f"{key}Ms"], 3) if embedded[f"{key}Ms"] else None
            for key in ("p50", "p95", "p99")
        }
    return {
        "trigger": f"POST {ANNOUNCE_PATH}",
        "latencyFrom": "just before the first trigger request is written",
        "latencyTo": "the client reads its notification.created from its WebSocket",
        "withinMs": WITHIN_MS,
        "connectConcurrency": CONNECT_CONCURRENCY,
        "setups": setups,
        "ratioRedisOverEmbedded": ratio,
    }


def build_report(
    *,
    started_at: datetime,
    seconds: float,
    database: str | None,
    database_label: str | None,
    generator: str | None,
    options: dict[str, Any],
    throughput: Throughput | None,
    latency: LoadedLatency | None,
    fanout: Sequence[FanoutResult] = (),
    marketplace: Sequence[MarketplaceResult] = (),
    notes: list[str],
) -> dict[str, Any]:
    report: dict[str, Any] = {
        "benchmark": "alora-http",
        "startedAt": started_at.astimezone(UTC).isoformat(timespec="seconds"),
        "elapsedSeconds": _r(seconds, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "database": database,
        "databaseDetail": database_label,
        "generator": generator,
        "options": options,
    }
    if throughput is not None:
        report["throughput"] = {
            "me": _endpoint(throughput.real),
            "bare": _endpoint(throughput.bare),
            "ratioMeOverBare": _r(throughput.ratio),
        }
    if latency is not None:
        report["latency"] = {
            "path": "/health",
            "requests": len(latency.loaded.samples_ms),
            "idle": {"p50Ms": _r(latency.idle.p50_ms), "p99Ms": _r(latency.idle.p99_ms)},
            "loaded": {
                "p50Ms": _r(latency.loaded.p50_ms),
                "p99Ms": _r(latency.loaded.p99_ms),
                "seconds": _r(latency.loaded.seconds, 2),
                "loginClients": latency.login_clients,
                "logins": latency.logins,
                "loginsPerSecond": _r(latency.logins_per_second, 1),
                "loginFailures": latency.login_failures,
            },
            "ratioLoadedOverIdleP99": _r(latency.p99_ratio),
            "ratioLoadedOverIdleP50": _r(latency.p50_ratio),
        }
    if fanout:
        report["fanout"] = _fanout(fanout, options)
    if marketplace:
        report["marketplace"] = [_marketplace(result) for result in marketplace]
    report["notes"] = notes
    return report


WIDTH = 52


def _row(label: str, *cells: str) -> str:
    return f"  {label:<{WIDTH}}" + "".join(f"{cell:>10}" for cell in cells)


def render(report: dict[str, Any]) -> str:
    """The report as a small plain-text table."""
    lines = [
        f"Alora HTTP benchmark — {report['startedAt']}, {report['machine']['cpus']} CPU(s), "
        f"Python {report['machine']['python']}",
    ]
    if "throughput" in report:
        lines += [
            f"  database: {report['databaseDetail']}",
            f"  load generator: {report['generator']}",
            "",
            *_render_http(report),
        ]
    if "fanout" in report:
        lines += ["", *_render_fanout(report["fanout"], report["options"])]
    if "marketplace" in report:
        lines += ["", *_render_marketplace(report["marketplace"], report["options"])]
    lines += [f"  note: {note}" for note in report["notes"]]
    return "\n".join(lines)


def _render_http(report: dict[str, Any]) -> list[str]:
    opts, tp, lat = report["options"], report["throughput"], report["latency"]
    loaded = lat["loaded"]
    row = _row

    def rounds(endpoint: dict[str, Any]) -> str:
        return " / ".join(f"{rps:,.0f}" for rps in endpoint["roundsRps"])

    lines = [
        f"A. Throughput, {opts['connections']} connections, median of {opts['rounds']} "
        f"alternating {opts['duration']} s rounds",
        row("", "req/s") + "   rounds",
        row(f"GET {tp['me']['path']}  (Bearer token, DB read)", f"{tp['me']['rps']:,.0f}")
        + f"   {rounds(tp['me'])}",
        row(f"GET {tp['bare']['path']}  (same JSON, no auth/DB)", f"{tp['bare']['rps']:,.0f}")
        + f"   {rounds(tp['bare'])}",
        row("ratio me / bare", f"{tp['ratioMeOverBare']:.3f}"),
        "",
        f"B. GET /health latency, {lat['requests']:,} sequential requests on one keep-alive "
        "connection",
        row("", "p50 ms", "p99 ms"),
        row("idle", f"{lat['idle']['p50Ms']:.2f}", f"{lat['idle']['p99Ms']:.2f}"),
        row(
            f"while {loaded['loginClients']} users loop on POST /api/v1/auth/login",
            f"{loaded['p50Ms']:.2f}",
            f"{loaded['p99Ms']:.2f}",
        ),
        row(
            "ratio loaded / idle",
            f"{lat['ratioLoadedOverIdleP50']:.2f}",
            f"{lat['ratioLoadedOverIdleP99']:.2f}",
        ),
        f"  sign-ins completed in the loaded window: {loaded['logins']:,} in "
        f"{loaded['seconds']:.1f} s ({loaded['loginsPerSecond']:.1f}/s)",
    ]
    if tp["me"]["failures"] or tp["bare"]["failures"]:
        lines.append(
            f"  WARNING: failed requests under load: me {tp['me']['failures']}, "
            f"bare {tp['bare']['failures']} (their rps count only 2xx answers)"
        )
    if loaded["loginFailures"]:
        by_status = ", ".join(f"{n} x {k}" for k, n in sorted(loaded["loginFailures"].items()))
        lines.append(f"  WARNING: failed sign-ins during the latency run (by status): {by_status}")
    return lines


_SETUP_LABELS = {
    "embedded": "embedded: 1 alora serve, SQLite, no Redis",
    "redis": "redis: 2 alora serve + 1 worker, PostgreSQL",
}


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _render_fanout(fanout: dict[str, Any], opts: dict[str, Any]) -> list[str]:
    clients, batch = opts["fanoutClients"], opts["fanoutBatch"]
    requests = -(-clients // batch)
    within = f"<={fanout['withinMs']:.0f} ms"
    lines = [
        f"C. Notification fan-out: {clients:,} WebSocket clients, one notification each, "
        f"{requests} POST {fanout['trigger'].split()[-1]} of up to {batch:,} recipients",
        "   latency: from just before the trigger request to each client's notification.created",
        _row("", "p50 ms", "p95 ms", "p99 ms", within, "delivered"),
    ]
    details: list[str] = []
    for setup in fanout["setups"]:
        label = _SETUP_LABELS.get(setup["setup"], setup["setup"])
        if setup["error"] is not None:
            lines.append(_row(label, "failed"))
            details.append(f"  {setup['setup']} FAILED: {setup['error']}")
            continue
        share = setup["deliveredWithin500msShare"]
        lines.append(
            _row(
                label,
                _ms(setup["p50Ms"]),
                _ms(setup["p95Ms"]),
                _ms(setup["p99Ms"]),
                "-" if share is None else f"{share:.1%}",
                f"{setup['delivered']}/{setup['expected']}",
            )
        )
        since = setup["sinceCreatedAt"]
        details.append(
            f"  {setup['setup']}: {setup['triggerRequests']} request(s) answered 202 after "
            f"{_ms(setup['triggerAnsweredMs'])} ms ({setup['created']:,} created); last "
            f"delivery {setup['wallSeconds']:.2f} s after the trigger; createdAt to receipt "
            f"p50 {_ms(since['p50Ms'])} / p99 {_ms(since['p99Ms'])} ms"
        )
        if len(setup["byProcess"]) > 1:
            per = ", ".join(
                f"port {p['port']}: {p['delivered']}/{p['clients']}, p50 {_ms(p['p50Ms'])} ms"
                for p in setup["byProcess"]
            )
            details.append(f"    per API process: {per}")
        if setup["undelivered"]:
            closed = setup["closedEarly"]
            why = f" (sockets closed early: {closed})" if closed else ""
            details.append(
                f"  WARNING: {setup['setup']}: {setup['undelivered']} of {setup['expected']} "
                f"notifications not delivered within {opts['fanoutTimeoutSeconds']:g} s{why}"
            )
        if setup["connectFailures"]:
            details.append(
                f"  WARNING: {setup['setup']}: {setup['clients'] - setup['connected']} clients "
                f"could not connect: {setup['connectFailures']}"
            )
    ratio = fanout["ratioRedisOverEmbedded"]
    if ratio is not None:
        lines.append(
            _row(
                "ratio redis / embedded",
                *("-" if ratio[k] is None else f"{ratio[k]:.2f}" for k in ("p50", "p95", "p99")),
            )
        )
    return lines + details


def _marketplace(result: MarketplaceResult) -> dict[str, Any]:
    bookings = result.bookings
    return {
        "database": result.database,
        "databaseDetail": result.database_label,
        "lists": {
            name: {
                "real": _endpoint(throughput.real),
                "bare": _endpoint(throughput.bare),
                "ratioRealOverBare": _r(throughput.ratio),
            }
            for name, throughput in result.lists.items()
        },
        "bookings": {
            "clients": bookings.clients,
            "created": bookings.created,
            "refused": bookings.refused,
            "refusedByStatus": {str(k): n for k, n in sorted(bookings.refusals.items())},
            "seconds": _r(bookings.seconds, 2),
            "createdPerSecond": _r(bookings.per_second, 1),
        },
    }


def _render_marketplace(results: list[dict[str, Any]], opts: dict[str, Any]) -> list[str]:
    lines = [
        f"D. Marketplace lists (20 items, anonymous) vs the same JSON from memory, median of "
        f"{opts['rounds']} alternating {opts['duration']} s rounds; bookings with 50 clients",
        _row("", "real/s", "bare/s", "ratio"),
    ]
    for result in results:
        for name, pair in result["lists"].items():
            lines.append(
                _row(
                    f"{result['database']}: GET /api/v1/{name}",
                    f"{pair['real']['rps']:,.0f}",
                    f"{pair['bare']['rps']:,.0f}",
                    f"{pair['ratioRealOverBare']:.3f}",
                )
            )
        bookings = result["bookings"]
        refused = bookings["refusedByStatus"]
        why = f" (by status: {refused})" if refused else ""
        lines.append(
            f"  {result['database']}: {bookings['createdPerSecond']:,.1f} bookings created/s "
            f"({bookings['created']} in {bookings['seconds']:.1f} s, {bookings['clients']} "
            f"clients on distinct slots; {bookings['refused']} refused{why})"
        )
    return lines


def write_report(report: dict[str, Any], output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return output
