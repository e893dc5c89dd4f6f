"""The bench report: one JSON document (written to a file) and the table printed from it."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.scenarios import EndpointThroughput, LoadedLatency, Throughput

DEFAULT_OUTPUT = Path("var/bench/latest.json")


def _r(value: float, digits: int = 3) -> float:
    return round(value, digits)


def _endpoint(result: EndpointThroughput) -> dict[str, Any]:
    return {
        "path": result.path,
        "rps": _r(result.rps, 1),
        "roundsRps": [_r(r.rps, 1) for r in result.rounds],
        "requests": sum(r.requests for r in result.rounds),
        "failures": result.failures,
    }


def build_report(
    *,
    started_at: datetime,
    seconds: float,
    database: str,
    database_label: str,
    generator: str,
    options: dict[str, Any],
    throughput: Throughput,
    latency: LoadedLatency,
    notes: list[str],
) -> dict[str, Any]:
    return {
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
        "throughput": {
            "me": _endpoint(throughput.me),
            "bare": _endpoint(throughput.bare),
            "ratioMeOverBare": _r(throughput.ratio),
        },
        "latency": {
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
        },
        "notes": notes,
    }


def render(report: dict[str, Any]) -> str:
    """The report as a small plain-text table."""
    opts, tp, lat = report["options"], report["throughput"], report["latency"]
    loaded = lat["loaded"]
    width = 52

    def row(label: str, *cells: str) -> str:
        return f"  {label:<{width}}" + "".join(f"{cell:>10}" for cell in cells)

    def rounds(endpoint: dict[str, Any]) -> str:
        return " / ".join(f"{rps:,.0f}" for rps in endpoint["roundsRps"])

    lines = [
        f"Alora HTTP benchmark — {report['startedAt']}, {report['machine']['cpus']} CPU(s), "
        f"Python {report['machine']['python']}",
        f"  database: {report['databaseDetail']}",
        f"  load generator: {report['generator']}",
        "",
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
    lines += [f"  note: {note}" for note in report["notes"]]
    return "\n".join(lines)


def write_report(report: dict[str, Any], output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return output
