"""G. The chat load in the report: its JSON (``chat``), its printed details and its goal rows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from bench.chat import DIRECT_PATH, ChatResult
from bench.scenarios import percentile

P99_GOAL_MS = 100.0
SEND_PATH = "POST /api/v1/conversations/{id}/messages"


def _n(value: float, digits: int = 1) -> float | None:
    return None if math.isnan(value) else round(value, digits)


def _percentiles(samples: list[float]) -> dict[str, float | None]:
    return {f"p{p}Ms": _n(percentile(samples, p)) for p in (50, 95, 99)} | {
        "maxMs": _n(max(samples, default=math.nan))
    }


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _setup(result: ChatResult) -> dict[str, Any]:
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
        "users": result.users,
        "conversations": result.conversations,
        "connected": result.connected,
        "connectFailures": result.connect_failures,
        "signInSeconds": round(result.sign_in_seconds, 1),
        "openConversationsSeconds": round(result.open_seconds, 1),
        "connectSeconds": round(result.connect_seconds, 1),
        "warmupMs": _n(result.warmup_ms),
        "planned": result.planned,
        "sent": result.sent,
        "notSent": result.planned - result.sent,
        "sendSeconds": round(result.send_seconds, 2),
        "achievedRate": _n(result.achieved_rate),
        "accepted": result.accepted,
        "refused": result.refused,
        "crossingProcesses": result.crossing,
        "delivered": len(result.latencies_ms),
        "lost": result.lost,
        "duplicates": result.duplicates,
        "misdelivered": result.misdelivered,
        **_percentiles(result.latencies_ms),
        "answer": _percentiles(result.answer_ms),
        "sinceCreatedAt": _percentiles(result.since_created_ms),
        "scheduleLag": _percentiles(result.schedule_lag_ms),
        "lastDeliverySeconds": round(result.last_delivery_seconds, 2),
        "poolConnections": result.pool_connections,
        "cpuShares": {name: _share(value) for name, value in result.cpu.items()},
        "closedEarly": result.closed_early,
        "logs": result.logs,
    }


def chat_json(results: Sequence[ChatResult]) -> dict[str, Any]:
    return {
        "open": f"POST {DIRECT_PATH}",
        "send": SEND_PATH,
        "latencyFrom": "just before the message's request is written",
        "latencyTo": "the recipient's socket reads its message.created",
        "lost": "sent messages whose message.created never reached the recipient's socket "
        "(refused sends included); duplicates: extra copies on it",
        "routing": "user i holds its socket on API process i mod N and sends through it; the "
        "two members of a conversation are users 2c and 2c+1, so with 2 processes every "
        "message crosses processes",
        "p99GoalMs": P99_GOAL_MS,
        "setups": [_setup(result) for result in results],
    }


_LABELS = {
    "embedded": "embedded: 1 alora serve, SQLite, no Redis",
    "redis": "redis: 2 alora serve + 1 worker, PostgreSQL",
}


def render_chat(chat: dict[str, Any], opts: dict[str, Any]) -> list[str]:
    lines = [
        f"G. Chat: {opts['chatUsers']:,} sockets in {opts['chatUsers'] // 2:,} direct "
        f"conversations, {opts['chatRate']:,} messages/s for {opts['chatDurationSeconds']} s "
        f"through {chat['send']}",
        "   latency: from just before the send to the message.created on the recipient's socket",
        "   (with 2 API processes the recipient's socket is on the other process: every message "
        "crosses Redis)",
        "  "
        + f"{'':<50}"
        + "".join(f"{h:>10}" for h in ("p50 ms", "p95 ms", "p99 ms", "sent/s", "lost", "dup")),
    ]
    details: list[str] = []
    for setup in chat["setups"]:
        label = _LABELS.get(setup["setup"], setup["setup"])
        if setup["error"] is not None:
            lines.append(f"  {label:<50}{'failed':>10}")
            details.append(f"  chat {setup['setup']} FAILED: {setup['error']}")
            continue
        cells = (
            _ms(setup["p50Ms"]),
            _ms(setup["p95Ms"]),
            _ms(setup["p99Ms"]),
            "-" if setup["achievedRate"] is None else f"{setup['achievedRate']:,.0f}",
            str(setup["lost"]),
            str(setup["duplicates"]),
        )
        lines.append(f"  {label:<50}" + "".join(f"{c:>10}" for c in cells))
        answer, since, lag = setup["answer"], setup["sinceCreatedAt"], setup["scheduleLag"]
        details += [
            f"  {setup['setup']}: {setup['accepted']:,}/{setup['sent']:,} sends accepted in "
            f"{setup['sendSeconds']:.1f} s ({setup['planned']:,} planned, "
            f"{setup['crossingProcesses']:,} crossing processes, {setup['poolConnections']} "
            "HTTP connections)",
            f"    HTTP answer p50 {_ms(answer['p50Ms'])} / p99 {_ms(answer['p99Ms'])} ms; "
            f"createdAt to receipt p50 {_ms(since['p50Ms'])} / p99 {_ms(since['p99Ms'])} ms; "
            f"sends behind schedule p99 {_ms(lag['p99Ms'])} ms",
        ]
        cpu = setup["cpuShares"]
        shown = ", ".join(f"{name} {value:.0%}" for name, value in cpu.items() if value is not None)
        details.append(f"    CPU while sending (share of one core): {shown}")
        details.append(
            f"    set-up: sign-ins {setup['signInSeconds']:.0f} s, conversations "
            f"{setup['openConversationsSeconds']:.0f} s, sockets {setup['connectSeconds']:.0f} s"
        )
        if setup["notSent"]:
            details.append(
                f"  WARNING: chat {setup['setup']}: {setup['notSent']:,} of {setup['planned']:,} "
                "messages not sent: the server fell behind and no connection of the pool was "
                "free before the window's end (+5 s)"
            )
        if setup["refused"]:
            details.append(f"  WARNING: chat {setup['setup']}: sends refused: {setup['refused']}")
        if setup["misdelivered"]:
            details.append(
                f"  WARNING: chat {setup['setup']}: {setup['misdelivered']} messages reached a "
                "socket of neither member"
            )
        if setup["closedEarly"]:
            details.append(
                f"  WARNING: chat {setup['setup']}: sockets closed early: {setup['closedEarly']}"
            )
    return lines + details


def chat_goal_rows(report: dict[str, Any], row: Any) -> list[dict[str, Any]]:
    """The chat's goal rows, built with ``row`` (``bench.report._goal_row``)."""
    opts = report["options"]
    setups = {s["setup"]: s for s in report.get("chat", {}).get("setups", [])}
    shape = f"{opts.get('chatRate', 500):,} msg/s, {opts.get('chatUsers', 1000):,} sockets"
    rows = []
    for name, label in (("embedded", "embedded"), ("redis", "redis, 2 API processes")):
        setup = setups.get(name)
        failed = "failed" if setup is not None and setup["error"] else None
        ok = setup is not None and not setup["error"]
        p99 = setup["p99Ms"] if ok and setup else None
        rows.append(
            row(
                f"chat send→receive p99, {shape} ({label})",
                p99,
                ("<=", P99_GOAL_MS),
                shown=None if p99 is None else f"{_ms(p99)} ms",
                missing=failed,
                detail=None
                if not ok or setup is None
                else f"p50 {_ms(setup['p50Ms'])} ms, {setup['achievedRate']:,.0f} msg/s sent, "
                f"{setup['sent']:,} of {setup['planned']:,}",
            )
        )
        lost = setup["lost"] + setup["duplicates"] if ok and setup else None
        rows.append(
            row(
                f"chat messages lost + duplicated ({label})",
                None if lost is None else float(lost),
                ("<=", 0.0),
                shown=None
                if not ok or setup is None
                else f"{setup['lost']} + {setup['duplicates']} dup",
                missing=failed,
                detail=None
                if not ok or setup is None
                else f"of {setup['sent']:,} sent ({setup['planned']:,} planned), "
                f"{setup['accepted']:,} accepted",
            )
        )
    return rows
