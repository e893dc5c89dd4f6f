"""G. Chat load: 1,000 sockets in 500 direct conversations, 500 messages/s for 20 s over HTTP.

For each setup a throwaway deployment is started, as the fan-out's (``bench.fanout``):
``embedded`` is one ``alora serve`` on SQLite without Redis; ``redis`` is two ``alora serve``
processes and one ``alora worker`` on a fresh PostgreSQL database and a flushed Redis database.

Users are stored directly (``bench.fanout.seed_accounts``) and sign in over HTTP; user ``i``
holds one socket on API process ``i mod N`` and sends its messages through that process too.
Conversation ``c`` is the direct conversation of users ``2c`` and ``2c + 1``, opened by the
first with ``POST /api/v1/conversations/direct``; with two processes its members are on
different processes, so every message reaches its recipient through Redis.

Then ``rate`` messages per second for ``duration`` seconds (``bench.chat_load``): message ``k``
goes to conversation ``k mod P`` from one member to the other, ``POST
/api/v1/conversations/{id}/messages {clientId, body}``. Its latency runs from just before its
request is written to the moment its ``message.created`` is read from the recipient's socket.
Every message must arrive there exactly once: those missing after ``drain`` seconds are lost,
extra copies are duplicates. The CPU each process used while the messages were sent is
recorded to show where the time goes.
"""

from __future__ import annotations

import asyncio
import math
import secrets
import time
import traceback
from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack, suppress
from datetime import datetime
from pathlib import Path

from attrs import evolve, field, frozen
from websockets.exceptions import InvalidHandshake

from bench.chat_load import ChatLoad, ChatUser
from bench.client import HttpConnection, HttpError, expect
from bench.cpu import CpuSample
from bench.fanout import (
    SHAPES,
    Setup,
    SetupShape,
    _flush_redis,
    _keep_logs,
    raise_open_files_limit,
    seed_accounts,
    sign_in_all,
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

DIRECT_PATH = "/api/v1/conversations/direct"
CHAT_SETTINGS = {
    "ALORA_MESSAGING_MESSAGES_PER_MINUTE": "100000",
    "ALORA_MESSAGING_NEW_DIRECT_PER_DAY": "10000",
    "ALORA_WS_MESSAGES_PER_MINUTE": "10000",
}
"""The per-user throttles of the chat servers, lifted: the bench measures the path, not them."""
OPEN_CONCURRENCY = 16
CONNECT_PHASE_SECONDS = 180
WARMUP_TIMEOUT_SECONDS = 60
SETTLE_SECONDS = 1.0
"""Waited after the last delivery for late duplicates."""
CLOSE_TIMEOUT_SECONDS = 20
CPU_COMMANDS = ("postgres", "redis-server")

Progress = Callable[[str], None]


@frozen
class ChatOptions:
    users: int
    rate: int
    duration: int
    drain: float
    """Seconds after the last answer when missing messages are given up."""
    postgres_url: str
    redis_url: str


@frozen
class ChatResult:
    setup: str
    description: str
    database_label: str = ""
    redis_url: str | None = None
    api_processes: int = 0
    workers: int = 0
    users: int = 0
    conversations: int = 0
    connected: int = 0
    connect_failures: dict[str, int] = field(factory=dict)
    sign_in_seconds: float = 0.0
    open_seconds: float = 0.0
    connect_seconds: float = 0.0
    warmup_ms: float = 0.0
    planned: int = 0
    sent: int = 0
    """Requests written; the others of ``planned`` found no free connection in time."""
    accepted: int = 0
    refused: dict[str, int] = field(factory=dict)
    """Sends not answered 2xx, by status (``0``: connection failed, ``-1``: timed out)."""
    send_seconds: float = 0.0
    """From the first request written to the last."""
    crossing: int = 0
    """Messages whose recipient's socket is on another API process than the send."""
    latencies_ms: list[float] = field(factory=list, repr=False)
    answer_ms: list[float] = field(factory=list, repr=False)
    """From the request written to its answer read."""
    since_created_ms: list[float] = field(factory=list, repr=False)
    """Receipt minus the message's ``createdAt`` (both wall clocks of this machine)."""
    schedule_lag_ms: list[float] = field(factory=list, repr=False)
    """How late each request was written behind its schedule (the generator or its pool)."""
    lost: int = 0
    duplicates: int = 0
    misdelivered: int = 0
    last_delivery_seconds: float = 0.0
    """From the first send to the last delivery."""
    pool_connections: int = 0
    cpu: dict[str, float | None] = field(factory=dict)
    """Share of one CPU per part while the messages were sent."""
    closed_early: dict[str, int] = field(factory=dict)
    error: str | None = None
    logs: str | None = None

    @property
    def achieved_rate(self) -> float:
        return self.sent / self.send_seconds if self.send_seconds > 0 else math.nan


async def run_chat(
    setup: Setup, options: ChatOptions, *, log_destination: Path, progress: Progress
) -> ChatResult:
    """One setup, from nothing to torn down; failures are returned in ``error``, not raised."""
    shape = SHAPES[setup]
    logs: str | None = None
    try:
        raise_open_files_limit(options.users + 1024)
        extra_env = dict(CHAT_SETTINGS)
        if shape.redis:
            await _flush_redis(options.redis_url)
            extra_env["ALORA_REDIS_URL"] = options.redis_url
        try:
            async with throwaway_environment(
                shape.database, options.postgres_url, extra_env
            ) as environment:
                try:
                    result = await _run_in(setup, shape, environment, options, progress)
                finally:
                    if _keep_logs(environment.root, log_destination):
                        logs = str(log_destination)
        finally:
            if shape.redis:
                with suppress(BenchSetupError):
                    await _flush_redis(options.redis_url)
    except Exception as exc:
        known = (BenchSetupError, HttpError, RuntimeError, OSError, TimeoutError, InvalidHandshake)
        if not isinstance(exc, known):
            traceback.print_exc()
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        progress(f"chat {setup}: failed: {error}")
        return ChatResult(setup, shape.description, error=error, logs=logs)
    return evolve(result, logs=logs)


async def _run_in(
    setup: Setup,
    shape: SetupShape,
    environment: Environment,
    options: ChatOptions,
    progress: Progress,
) -> ChatResult:
    progress(f"chat {setup}: {shape.description}; database {environment.database_label}")
    progress(await migrate(environment) or "migrated")
    password = f"bench-{secrets.token_urlsafe(12)}"
    _, accounts, _ = await seed_accounts(environment, options.users, password)
    async with AsyncExitStack() as stack:
        groups: dict[str, int] = {}
        if shape.workers:
            worker = await stack.enter_async_context(running_worker(environment))
            groups["worker"] = worker.pid
        servers: list[Server] = []
        for index in range(shape.api_processes):
            name = f"api{index + 1}"
            server = await stack.enter_async_context(
                running_server(environment, alora_serve=True, name=name)
            )
            servers.append(server)
            groups[name] = server.pid
        ports = [server.port for server in servers]
        progress(f"chat {setup}: alora serve on port(s) {', '.join(map(str, ports))}")

        started = time.perf_counter()
        assigned = [ports[i % len(ports)] for i in range(len(accounts))]
        tokens = await sign_in_all(
            [(port, account.email) for port, account in zip(assigned, accounts, strict=True)],
            password,
        )
        sign_in_seconds = time.perf_counter() - started
        users = [
            ChatUser(i, account.user_id, port, token)
            for i, (account, port, token) in enumerate(zip(accounts, assigned, tokens, strict=True))
        ]
        started = time.perf_counter()
        conversation_ids = await open_conversations(users)
        open_seconds = time.perf_counter() - started
        progress(
            f"chat {setup}: {len(users)} users signed in in {sign_in_seconds:.1f} s, "
            f"{len(conversation_ids)} direct conversations opened in {open_seconds:.1f} s"
        )
        load = ChatLoad(
            users,
            conversation_ids,
            total=options.rate * options.duration,
            rate=options.rate,
            prefix=f"bench-{secrets.token_hex(4)}-",
        )
        started = time.perf_counter()
        readers = await load.connect_all(CONNECT_PHASE_SECONDS)
        try:
            connect_seconds = time.perf_counter() - started
            failures: dict[str, int] = {}
            for user in users:
                if user.failure:
                    failures[user.failure] = failures.get(user.failure, 0) + 1
            if failures:
                raise RuntimeError(f"some sockets could not open: {failures}")
            progress(f"chat {setup}: {len(users)} sockets ready in {connect_seconds:.1f} s")
            warmup_ms = await load.warm_up(WARMUP_TIMEOUT_SECONDS)
            progress(f"chat {setup}: warm-up messages delivered within {warmup_ms:.0f} ms")
            progress(
                f"chat {setup}: {options.rate} messages/s for {options.duration} s "
                f"({load.total:,} messages)"
            )
            before = CpuSample.take(groups, CPU_COMMANDS)
            await load.run_sends()
            after = CpuSample.take(groups, CPU_COMMANDS)
            last = await load.wait_delivered(options.drain, SETTLE_SECONDS)
        finally:
            await load.close_all(readers, CLOSE_TIMEOUT_SECONDS)
    result = summarize(load, last)
    progress(
        f"chat {setup}: {result.accepted:,}/{result.sent:,} accepted, "
        f"{result.lost} lost, {result.duplicates} duplicated"
    )
    return evolve(
        result,
        setup=setup,
        description=shape.description,
        database_label=environment.database_label,
        redis_url=options.redis_url if shape.redis else None,
        api_processes=shape.api_processes,
        workers=shape.workers,
        connect_failures=failures,
        sign_in_seconds=sign_in_seconds,
        open_seconds=open_seconds,
        connect_seconds=connect_seconds,
        warmup_ms=warmup_ms,
        cpu=before.share(after),
    )


async def open_conversations(users: Sequence[ChatUser]) -> list[str]:
    """User ``2c`` opens the direct conversation ``c`` with user ``2c + 1``."""
    pairs = len(users) // 2
    ids: list[str] = [""] * pairs
    queue: asyncio.Queue[int] = asyncio.Queue()
    for c in range(pairs):
        queue.put_nowait(c)

    async def worker() -> None:
        connections: dict[int, HttpConnection] = {}
        try:
            while not queue.empty():
                c = queue.get_nowait()
                opener, other = users[2 * c], users[2 * c + 1]
                http = connections.setdefault(opener.port, HttpConnection(opener.port))
                response = await asyncio.wait_for(
                    http.request(
                        "POST",
                        DIRECT_PATH,
                        json_body={"userId": other.user_id},
                        headers={"Authorization": f"Bearer {opener.token}"},
                    ),
                    60,
                )
                if response.status not in (200, 201):
                    expect(response, 201, f"POST {DIRECT_PATH}")
                ids[c] = response.json()["id"]
        finally:
            for http in connections.values():
                http.close()

    await asyncio.gather(*(worker() for _ in range(min(OPEN_CONCURRENCY, pairs))))
    return ids


def summarize(load: ChatLoad, last: float) -> ChatResult:
    refused: dict[str, int] = {}
    latencies, answers, since, lags = [], [], [], []
    lost = duplicates = crossing = sent = 0
    for k in range(load.total):
        if math.isnan(load.sent_at[k]):
            continue
        sent += 1
        status = load.status[k]
        if not 200 <= status < 300:
            refused[str(status)] = refused.get(str(status), 0) + 1
        answers.append((load.answered_at[k] - load.sent_at[k]) * 1000)
        lags.append(max(0.0, (load.sent_at[k] - (load.t0 + k / load.rate)) * 1000))
        if load.users[load.sender_of(k)].port != load.users[load.recipient_of(k)].port:
            crossing += 1
        receipts = load.receipts[k]
        if receipts == 0:
            lost += 1
            continue
        duplicates += receipts - 1
        latencies.append((load.received_at[k] - load.sent_at[k]) * 1000)
        if load.created_at[k]:
            created = datetime.fromisoformat(load.created_at[k].replace("Z", "+00:00"))
            since.append((load.received_wall[k] - created.timestamp()) * 1000)
    written = [t for t in load.sent_at if not math.isnan(t)]
    closed: dict[str, int] = {}
    for user in load.users:
        if user.closed_early:
            closed[user.closed_early] = closed.get(user.closed_early, 0) + 1
    return ChatResult(
        "",
        "",
        users=len(load.users),
        conversations=len(load.conversation_ids),
        connected=sum(1 for user in load.users if user.socket is not None),
        planned=load.total,
        sent=sent,
        accepted=load.accepted(),
        refused=refused,
        send_seconds=(max(written) - min(written)) if len(written) > 1 else 0.0,
        crossing=crossing,
        latencies_ms=latencies,
        answer_ms=answers,
        since_created_ms=since,
        schedule_lag_ms=lags,
        lost=lost,
        duplicates=duplicates,
        misdelivered=load.misdelivered,
        last_delivery_seconds=(last - min(written)) if written and not math.isnan(last) else 0.0,
        pool_connections=sum(pool.opened for pool in load.pools.values()),
        closed_early=closed,
    )
