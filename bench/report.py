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

from bench.chat import ChatResult
from bench.chat_report import chat_goal_rows, chat_json, render_chat
from bench.fanout import ANNOUNCE_PATH, CONNECT_CONCURRENCY, WITHIN_MS, FanoutResult
from bench.marketplace import BookingRate, MarketplaceResult
from bench.scale import ScaleResult
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


TARGET_LABELS = {
    "alora": "Alora",
    "inApp": "in-app bare (same bytes, inside Alora)",
    "litestar": "bare: minimal Litestar, same bytes",
    "express": "Express 5, same bytes from memory",
}
RATIOS = (("alora", "litestar"), ("alora", "express"), ("inApp", "litestar"), ("alora", "inApp"))


def _ratio_key(top: str, bottom: str) -> str:
    return f"{top}Over{bottom[0].upper()}{bottom[1:]}"


def _throughput(result: Throughput) -> dict[str, Any]:
    ratios = {}
    for top, bottom in RATIOS:
        value = result.ratio(top, bottom)
        if value is not None:
            ratios[_ratio_key(top, bottom)] = _n(value, 3)
    return {
        "targets": {key: _endpoint(endpoint) for key, endpoint in result.results.items()},
        "ratios": ratios,
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
    chat: Sequence[ChatResult] = (),
    marketplace: Sequence[MarketplaceResult] = (),
    scale: ScaleResult | None = None,
    comparators: dict[str, Any] | None = None,
    ports: dict[str, Any] | None = None,
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
        report["throughput"] = _throughput(throughput)
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
    if chat:
        report["chat"] = chat_json(chat)
    if marketplace:
        report["marketplace"] = [_marketplace(result) for result in marketplace]
    if scale is not None:
        report["scale"] = _scale(scale)
    report["comparators"] = comparators
    report["ports"] = ports
    report["goals"] = goals(report)
    report["notes"] = notes
    return report


WIDTH = 76


def _row(label: str, *cells: str, cell: int = 10) -> str:
    return f"  {label:<{WIDTH}}" + "".join(f"{text:>{cell}}" for text in cells)


def render(report: dict[str, Any]) -> str:
    """The report as a small plain-text table."""
    lines = [
        f"Alora HTTP benchmark — {report['startedAt']}, {report['machine']['cpus']} CPU(s), "
        f"Python {report['machine']['python']}",
    ]
    if report["generator"]:
        lines.append(f"  load generator: {report['generator']}")
    comparators = report.get("comparators") or {}
    if comparators:
        lines.append(f"  comparators: {comparators.get('summary', '')}")
    lines += ["", *_render_goals(report["goals"])]
    if "throughput" in report:
        lines += ["", f"  database of A and B: {report['databaseDetail']}", *_render_http(report)]
    if "marketplace" in report:
        lines += ["", *_render_marketplace(report["marketplace"], report["options"])]
    if "fanout" in report:
        lines += ["", *_render_fanout(report["fanout"], report["options"])]
    if "chat" in report:
        lines += ["", *render_chat(report["chat"], report["options"])]
    if "scale" in report:
        lines += ["", *_render_scale(report["scale"])]
    ports = report.get("ports")
    if ports and ports["processes"]:
        lines.append("")
        if ports["onlyGivenPorts"] is None:
            lines.append(f"  ports: {ports['processes']} processes started; not checked (no /proc)")
        elif ports["onlyGivenPorts"]:
            lines.append(
                f"  ports: each of the {ports['checked']} servers and workers started listened "
                "only on the free port chosen for it (workers on none)"
            )
        else:
            for entry in ports["unexpected"]:
                lines.append(
                    f"  WARNING: {entry['process']} also listened on {entry['unexpected']} "
                    f"(given: {entry['givenPort']})"
                )
    lines += [f"  note: {note}" for note in report["notes"]]
    return "\n".join(lines)


def _rounds(endpoint: dict[str, Any]) -> str:
    return " / ".join(f"{rps:,.0f}" for rps in endpoint["roundsRps"])


def _render_targets(title: str, throughput: dict[str, Any]) -> list[str]:
    lines = []
    for key, endpoint in throughput["targets"].items():
        label = f"{title}: {TARGET_LABELS.get(key, key)}"
        lines.append(_row(label, f"{endpoint['rps']:,.0f}") + f"   {_rounds(endpoint)}")
        if endpoint["failures"]:
            lines.append(
                f"  WARNING: {endpoint['failures']} failed requests to {key} {endpoint['path']} "
                "(req/s counts only 2xx answers)"
            )
    return lines


def _render_http(report: dict[str, Any]) -> list[str]:
    opts, tp, lat = report["options"], report["throughput"], report["latency"]
    loaded = lat["loaded"]
    row = _row
    lines = [
        f"A. Throughput, {opts['connections']} connections, median of {opts['rounds']} "
        f"rotating {opts['duration']} s rounds",
        row("", "req/s") + "   rounds",
        *_render_targets("GET /api/v1/auth/me", tp),
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


def _bookings(bookings: BookingRate) -> dict[str, Any]:
    return {
        "clients": bookings.clients,
        "created": bookings.created,
        "refused": bookings.refused,
        "refusedByStatus": {str(k): n for k, n in sorted(bookings.refusals.items())},
        "seconds": _r(bookings.seconds, 2),
        "createdPerSecond": _r(bookings.per_second, 1),
    }


def _marketplace(result: MarketplaceResult) -> dict[str, Any]:
    if result.bookings is None:
        return {
            "database": result.database,
            "databaseDetail": result.database_label,
            "error": result.error,
            "lists": {},
            "expressMissing": result.express_missing,
            "bookings": None,
        }
    return {
        "database": result.database,
        "databaseDetail": result.database_label,
        "lists": {name: _throughput(throughput) for name, throughput in result.lists.items()},
        "expressMissing": result.express_missing,
        "error": None,
        "bookings": _bookings(result.bookings),
    }


def _scale(result: ScaleResult) -> dict[str, Any]:
    points = []
    for point in result.points:
        entry: dict[str, Any] = {"processes": point.processes, "error": point.error}
        if point.fanout is not None:
            fanout = point.fanout
            entry["fanout"] = {
                "connected": fanout.connected,
                "delivered": fanout.delivered,
                "deliveredWithin500msShare": _n(fanout.within_share, 4),
                **_percentiles(fanout.latencies_ms),
                "triggerAnsweredMs": _n(fanout.trigger_ms),
                "wallSeconds": _r(fanout.wall_seconds, 3),
                "connectFailures": fanout.connect_failures,
            }
        if point.bookings is not None:
            entry["bookings"] = _bookings(point.bookings)
        by_port: dict[int, dict[str, Any]] = {}
        if point.fanout is not None:
            for process in point.fanout.per_process:
                by_port.setdefault(process.port, {"port": process.port})["socketsHeld"] = (
                    process.clients
                )
        if point.bookings is not None and point.bookings.seconds > 0:
            seconds = point.bookings.seconds
            for port, created in point.bookings.by_port.items():
                entry_port = by_port.setdefault(port, {"port": port})
                entry_port["bookingsPerSecond"] = _r(created / seconds, 1)
                requests = point.bookings.requests_by_port.get(port, 0)
                entry_port["requestsPerSecond"] = _r(requests / seconds, 1)
        entry["byProcess"] = list(by_port.values())
        points.append(entry)
    return {
        "database": result.database_label,
        "redis": result.redis_url,
        "clients": result.clients,
        "signInSeconds": _r(result.sign_in_seconds, 1),
        "points": points,
        "error": result.error,
        "logs": result.logs,
    }


def _render_marketplace(results: list[dict[str, Any]], opts: dict[str, Any]) -> list[str]:
    lines = [
        f"D. Marketplace: lists of 20 items, anonymous, median of {opts['rounds']} rotating "
        f"{opts['duration']} s rounds; bookings by 50 clients on distinct slots",
        _row("", "req/s") + "   rounds",
    ]
    for result in results:
        for name, throughput in result["lists"].items():
            lines += _render_targets(f"{result['database']}: GET /api/v1/{name}", throughput)
        if result["lists"] and result.get("expressMissing"):
            lines.append(f"  Express 5: {result['expressMissing']}")
        if result["error"]:
            lines.append(f"  {result['database']}: FAILED: {result['error']}")
            continue
        bookings = result["bookings"]
        refused = bookings["refusedByStatus"]
        why = f" (by status: {refused})" if refused else ""
        lines.append(
            f"  {result['database']}: {bookings['createdPerSecond']:,.1f} bookings created/s "
            f"({bookings['created']} in {bookings['seconds']:.1f} s, {bookings['clients']} "
            f"clients on distinct slots; {bookings['refused']} refused{why})"
        )
    return lines


def _render_scale(scale: dict[str, Any]) -> list[str]:
    lines = [
        f"E. Scale-out on {scale['database']} + Redis, 1 alora worker: {scale['clients']:,} "
        "sockets, one announcement; bookings by 50 clients",
        _row("API processes", "<=500 ms", "p50 ms", "p99 ms", "bookings/s", "refused", cell=12),
    ]
    details = []
    for point in scale["points"]:
        label = f"N = {point['processes']}"
        if point["error"]:
            lines.append(_row(label, "failed", cell=12))
            details.append(f"  N = {point['processes']} FAILED: {point['error']}")
            continue
        fanout, bookings = point.get("fanout") or {}, point.get("bookings") or {}
        share = fanout.get("deliveredWithin500msShare")
        lines.append(
            _row(
                label,
                "-" if share is None else f"{share:.1%}",
                _ms(fanout.get("p50Ms")),
                _ms(fanout.get("p99Ms")),
                f"{bookings.get('createdPerSecond', 0):,.1f}",
                str(bookings.get("refused", "-")),
                cell=12,
            )
        )
        per = ", ".join(
            f"port {p['port']}: {p.get('socketsHeld', 0)} sockets, "
            f"{p.get('requestsPerSecond', 0):,.1f} requests/s "
            f"({p.get('bookingsPerSecond', 0):,.1f} bookings/s)"
            for p in point["byProcess"]
        )
        details.append(
            f"  N = {point['processes']}: {fanout.get('delivered', 0)}/"
            f"{fanout.get('connected', 0)} delivered; per process: {per}"
        )
    if scale["error"]:
        details.append(f"  scale-out FAILED: {scale['error']}")
    return lines + details


# --- goals -------------------------------------------------------------------------------------


def _goal_row(
    measure: str,
    value: float | None,
    goal: tuple[str, float] | None,
    *,
    shown: str | None = None,
    missing: str | None = None,
    extra_ok: bool = True,
    detail: str | None = None,
) -> dict[str, Any]:
    met = None
    if goal is not None and value is not None and not math.isnan(value):
        sign, target = goal
        met = (value >= target if sign == ">=" else value <= target) and extra_ok
    if shown is None:
        shown = "-" if value is None else f"{value:.2f}"
    return {
        "measure": measure,
        "goal": None if goal is None else f"{'≥' if goal[0] == '>=' else '≤'} {goal[1]:g}",
        "value": value,
        "shown": shown if value is not None else (missing or "not measured"),
        "met": met,
        "detail": detail,
    }


def _list_ratio(report: dict[str, Any], name: str, key: str) -> tuple[float | None, str | None]:
    for result in report.get("marketplace", []):
        if name in result["lists"]:
            value = result["lists"][name]["ratios"].get(key)
            if value is None and key.endswith("Express"):
                return None, result.get("expressMissing") or "not measured"
            return value, None
    return None, None


def goals(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of issue 11's table (``goal`` set) and the extra comparisons (``goal`` None)."""
    rows = []
    me = report.get("throughput", {}).get("ratios", {})
    rows.append(
        _goal_row("GET /api/v1/auth/me vs bare (minimal Litestar)", me.get("aloraOverLitestar"),
                  (">=", 0.5))
    )  # fmt: skip
    value, missing = _list_ratio(report, "services", "aloraOverLitestar")
    rows.append(
        _goal_row("GET /api/v1/services (20, anonymous) vs bare Litestar", value, (">=", 0.8))
    )
    value, missing = _list_ratio(report, "services", "aloraOverExpress")
    rows.append(
        _goal_row(
            "GET /api/v1/services (20, anonymous) vs Express 5 from memory",
            value,
            (">=", 1.5),
            missing=missing,
        )
    )
    value, missing = _list_ratio(report, "professionals", "aloraOverLitestar")
    rows.append(_goal_row("GET /api/v1/professionals (20) vs bare Litestar", value, (">=", 0.8)))
    latency = report.get("latency")
    rows.append(
        _goal_row(
            f"/health p99 with {latency['loaded']['loginClients'] if latency else 8} logins "
            "hashing vs idle",
            latency["ratioLoadedOverIdleP99"] if latency else None,
            ("<=", 2.0),
        )
    )
    setups = {s["setup"]: s for s in report.get("fanout", {}).get("setups", [])}
    for name, label in (("embedded", "embedded"), ("redis", "redis, 2 API processes")):
        setup = setups.get(name)
        clients = setup.get("clients", 0) if setup else report["options"]["fanoutClients"]
        measure = f"one announcement to {clients:,} sockets ({label}): within 500 ms"
        if setup is None:
            rows.append(_goal_row(measure, None, (">=", 0.95)))
        elif setup["error"]:
            rows.append(_goal_row(measure, None, (">=", 0.95), missing="failed"))
        else:
            share = setup["deliveredWithin500msShare"]
            rows.append(
                _goal_row(
                    measure,
                    share,
                    (">=", 0.95),
                    shown="-" if share is None else f"{share:.1%}",
                    detail=f"p50 {_ms(setup['p50Ms'])} ms, {setup['delivered']}/"
                    f"{setup['expected']} delivered",
                )
            )
    by_db = {m["database"]: m for m in report.get("marketplace", [])}
    for database, label in (("sqlite", "SQLite"), ("postgres", "PostgreSQL")):
        result = by_db.get(database)
        measure = f"bookings created/s, 50 clients on distinct slots ({label})"
        if result is None or result["error"]:
            missing = "failed" if result is not None else None
            rows.append(_goal_row(measure, None, (">=", 300.0), missing=missing))
            continue
        bookings = result["bookings"]
        rows.append(
            _goal_row(
                measure,
                bookings["createdPerSecond"],
                (">=", 300.0),
                shown=f"{bookings['createdPerSecond']:,.0f}, {bookings['refused']} errors",
                extra_ok=bookings["refused"] == 0,
            )
        )
    rows += chat_goal_rows(report, _goal_row)
    rows.append(
        _goal_row("in-app bare vs minimal Litestar: /me JSON", me.get("inAppOverLitestar"), None)
    )
    for name in ("services", "professionals"):
        value, _ = _list_ratio(report, name, "inAppOverLitestar")
        if value is not None:
            rows.append(_goal_row(f"in-app bare vs minimal Litestar: {name} JSON", value, None))
    return rows


def _render_goals(rows: list[dict[str, Any]]) -> list[str]:
    width = 74
    lines = [
        "Goals (ratios measured in this run)",
        f"  {'measure':<{width}}{'value':>14}{'goal':>9}  met",
    ]
    for row in rows:
        met = {True: "yes", False: "NO", None: "-"}[row["met"]]
        goal = row["goal"] or ""
        lines.append(f"  {row['measure']:<{width}}{row['shown']:>14}{goal:>9}  {met}")
        if row["detail"]:
            lines.append(f"  {'':<{width}}  ({row['detail']})")
    return lines


def write_report(report: dict[str, Any], output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return output
