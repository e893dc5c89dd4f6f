"""C. Notification fan-out: many connected WebSocket clients, one notification each.

For each setup a throwaway deployment is started: ``embedded`` is one ``alora serve`` on SQLite
without Redis (relay and jobs in the API process); ``redis`` is two ``alora serve`` processes and
one ``alora worker`` on a fresh PostgreSQL database and a flushed Redis database, the clients
split evenly between the two API processes.

Accounts are made directly in the database by a composed Alora (``bootstrap.build``) before the
servers start: an administrator through the bus (``CreateAdmin``) and the clients' users
through the users repository, verified, all with one argon2id hash made once. Each user then
signs in over HTTP (one argon2id verification each, on the API process its socket will use)
and opens ``WS /api/v1/ws?token=...``; the bench waits for every ``ready``. A warm-up
announcement to the administrator's own socket (on the last API process) proves the whole path
(relay, worker, pub/sub) works before anything is measured.

Then the trigger: ``POST /api/v1/admin/notifications`` with the recipients (all of them in one
request by default, at most 1,000 per request; several requests are sent at once). Each
client's latency runs from just before the first request is written to the moment its
``notification.created`` (recognised by a marker in its ``data``) is read from its socket, all
clients sharing one asyncio loop in this process. Clients that have nothing after the timeout
are reported as undelivered.
"""

from __future__ import annotations

import asyncio
import json
import resource
import secrets
import shutil
import time
import traceback
from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack, suppress
from datetime import datetime
from pathlib import Path
from typing import Literal

from attrs import define, evolve, field, frozen
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from bench.client import HOST, HttpConnection, HttpError, encode_request, expect
from bench.server import (
    BenchSetupError,
    Environment,
    Server,
    migrate,
    running_server,
    running_worker,
    throwaway_environment,
)

Setup = Literal["embedded", "redis"]
SETUPS: tuple[Setup, ...] = ("embedded", "redis")
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"

WS_PATH = "/api/v1/ws"
LOGIN_PATH = "/api/v1/auth/login"
ANNOUNCE_PATH = "/api/v1/admin/notifications"
MAX_RECIPIENTS_PER_REQUEST = 1000
WITHIN_MS = 500.0
"""The delivery deadline whose share the report gives."""

CONNECT_CONCURRENCY = 50
"""WebSocket handshakes in flight at once while the clients connect."""
CONNECT_TIMEOUT_SECONDS = 30
CONNECT_PHASE_SECONDS = 180
"""All clients must be connected (or have failed) within this."""
WARMUP_TIMEOUT_SECONDS = 60
CLOSE_TIMEOUT_SECONDS = 20
_PONG = json.dumps({"event": "pong", "data": {}})

Progress = Callable[[str], None]


@frozen
class FanoutOptions:
    clients: int
    timeout: float
    """Seconds from the trigger after which undelivered notifications are given up."""
    batch: int
    """Recipients per trigger request (1 to 1,000)."""
    postgres_url: str
    redis_url: str


@frozen
class SetupShape:
    description: str
    database: Literal["sqlite", "postgres"]
    api_processes: int
    workers: int
    redis: bool


SHAPES: dict[Setup, SetupShape] = {
    "embedded": SetupShape(
        "1 alora serve, SQLite, jobs in-process, no Redis", "sqlite", 1, 0, redis=False
    ),
    "redis": SetupShape(
        "2 alora serve + 1 alora worker, PostgreSQL, Redis", "postgres", 2, 1, redis=True
    ),
}


@frozen
class ProcessFanout:
    """The clients of one API process."""

    port: int
    clients: int
    latencies_ms: list[float] = field(repr=False)


@frozen
class FanoutResult:
    setup: str
    """``embedded`` or ``redis`` (the scale-out runs report theirs as ``redis``)."""
    description: str
    database_label: str = ""
    redis_url: str | None = None
    api_processes: int = 0
    workers: int = 0
    requested_clients: int = 0
    connected: int = 0
    """Clients whose socket said ``ready``: the notifications expected."""
    connect_failures: dict[str, int] = field(factory=dict)
    connect_seconds: float = 0.0
    trigger_requests: int = 0
    created: int = 0
    """The sum of the ``created`` counts the trigger requests answered."""
    trigger_ms: float = 0.0
    """Until the last trigger request was answered."""
    latencies_ms: list[float] = field(factory=list, repr=False)
    since_created_ms: list[float] = field(factory=list, repr=False)
    """Receipt minus the notification's ``createdAt`` (both wall clocks of this machine)."""
    wall_seconds: float = 0.0
    """From the trigger to the last delivery (to the timeout when some are missing)."""
    per_process: list[ProcessFanout] = field(factory=list)
    undelivered_users: list[str] = field(factory=list)
    closed_early: dict[str, int] = field(factory=dict)
    """Sockets that closed before their notification arrived, by close code."""
    warmup_ms: float = 0.0
    error: str | None = None
    logs: str | None = None

    @property
    def delivered(self) -> int:
        return len(self.latencies_ms)

    @property
    def within_share(self) -> float:
        if not self.connected:
            return float("nan")
        return sum(1 for ms in self.latencies_ms if ms <= WITHIN_MS) / self.connected


# --- the setups --------------------------------------------------------------------------------


async def run_fanout(
    setup: Setup, options: FanoutOptions, *, log_destination: Path, progress: Progress
) -> FanoutResult:
    """One setup, from nothing to torn down; failures are returned in ``error``, not raised.

    The processes' logs are copied to ``log_destination`` (named in the result's ``logs``).
    """
    shape = SHAPES[setup]
    logs: list[str] = []
    try:
        raise_open_files_limit(options.clients + 512)
        extra_env: dict[str, str] = {}
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
                        logs.append(str(log_destination))
        finally:
            if shape.redis:
                with suppress(BenchSetupError):
                    await _flush_redis(options.redis_url)
    except Exception as exc:
        known = (BenchSetupError, HttpError, RuntimeError, OSError, TimeoutError, InvalidHandshake)
        if not isinstance(exc, known):  # a bug rather than a failing deployment: show where
            traceback.print_exc()
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        progress(f"fan-out {setup}: failed: {error}")
        return FanoutResult(setup, shape.description, error=error, logs=next(iter(logs), None))
    return evolve(result, logs=next(iter(logs), None))


async def _run_in(
    setup: Setup,
    shape: SetupShape,
    environment: Environment,
    options: FanoutOptions,
    progress: Progress,
) -> FanoutResult:
    progress(f"fan-out {setup}: {shape.description}; database {environment.database_label}")
    progress(await migrate(environment) or "migrated")
    password = f"bench-{secrets.token_urlsafe(12)}"
    admin, users, _ = await seed_accounts(environment, options.clients, password)
    progress(f"fan-out {setup}: {len(users)} verified users and an administrator stored")
    async with AsyncExitStack() as stack:
        if shape.workers:
            await stack.enter_async_context(running_worker(environment))
        servers: list[Server] = []
        for index in range(shape.api_processes):
            servers.append(
                await stack.enter_async_context(
                    running_server(environment, alora_serve=True, name=f"api{index + 1}")
                )
            )
        ports = [server.port for server in servers]
        progress(f"fan-out {setup}: alora serve on port(s) {', '.join(map(str, ports))}")
        # Client i uses API process i mod n: the same one for signing in and for its socket.
        assignments = [ports[index % len(ports)] for index in range(len(users))]
        started = time.perf_counter()
        tokens = await sign_in_all(
            [(port, user.email) for port, user in zip(assignments, users, strict=True)],
            password,
        )
        admin_token = (await sign_in_all([(ports[0], admin.email)], password))[0]
        progress(
            f"fan-out {setup}: {len(users)} users signed in over HTTP in "
            f"{time.perf_counter() - started:.1f} s"
        )
        warmup_ms = await warm_up(ports, admin, admin_token)
        progress(f"fan-out {setup}: warm-up notification delivered in {warmup_ms:.0f} ms")
        fleet = Fleet(
            [
                Client(port, user.user_id, token)
                for port, user, token in zip(assignments, users, tokens, strict=True)
            ]
        )
        result = await measure(fleet, setup, shape, environment, options, ports, admin_token)
        return evolve(result, warmup_ms=warmup_ms)


@frozen
class Account:
    user_id: str
    email: str


async def seed_accounts(
    environment: Environment, count: int, password: str, *, professionals: int = 0
) -> tuple[Account, list[Account], list[Account]]:
    """An administrator (``CreateAdmin``), ``count`` verified customers and ``professionals``
    verified professionals, stored directly.

    The users all get one argon2id hash of ``password``, made here once with the server's
    parameters, so the server verifies their sign-ins as any other.
    """
    from adapters.argon2_hasher import Argon2PasswordHasher
    from alora_core.identity.commands import CreateAdmin
    from alora_core.identity.model import Role, User
    from entrypoints import bootstrap
    from entrypoints.modules.identity import IdentitySettings
    from entrypoints.settings import load_settings

    settings = load_settings(environment.server_env(), dotenv=None)
    tag = secrets.token_hex(3)
    alora = await bootstrap.build(settings)
    try:
        admin = await alora.bus.handle(
            CreateAdmin(
                full_name="Bench Admin",
                username=f"bench_admin_{tag}",
                email=f"bench.admin.{tag}@example.com",
                password=password,
            )
        )
        argon2 = settings.of(IdentitySettings)
        hasher = Argon2PasswordHasher(
            memory_kib=argon2.argon2_memory_kib,
            time_cost=argon2.argon2_time_cost,
            parallelism=argon2.argon2_parallelism,
        )
        password_hash = await hasher.hash(password)
        now = alora.clock.now()

        def user(index: int, role: Role) -> User:
            kind = "fan" if role is Role.CUSTOMER else "pro"
            return User(
                full_name=f"{'Fan-out Client' if kind == 'fan' else 'Bench Pro'} {index}",
                username=f"{kind}{index:05d}_{tag}",
                email=f"{kind}{index:05d}.{tag}@example.com",
                phone=None,
                password_hash=password_hash,
                role=role,
                created_at=now,
                email_verified_at=now,
            )

        users = [user(index, Role.CUSTOMER) for index in range(count)]
        pros = [user(index, Role.PROFESSIONAL) for index in range(professionals)]
        async with alora.units_of_work["identity"]() as uow:
            for each in users + pros:
                await uow.users.add(each)
            await uow.commit()
    finally:
        await alora.aclose()
    return (
        Account(str(admin.id), admin.email),
        [Account(str(each.id), each.email) for each in users],
        [Account(str(each.id), each.email) for each in pros],
    )


async def sign_in_all(
    who: Sequence[tuple[int, str]], password: str, *, concurrency: int = 8
) -> list[str]:
    """Access tokens of ``(port, email)`` sign-ins over HTTP, ``concurrency`` at a time."""
    tokens: list[str] = [""] * len(who)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(len(who)):
        queue.put_nowait(index)

    async def worker() -> None:
        connections: dict[int, HttpConnection] = {}
        try:
            while not queue.empty():
                index = queue.get_nowait()
                port, email = who[index]
                http = connections.setdefault(port, HttpConnection(port))
                response = await asyncio.wait_for(
                    http.request(
                        "POST", LOGIN_PATH, json_body={"identifier": email, "password": password}
                    ),
                    60,
                )
                tokens[index] = expect(response, 200, f"login of {email}").json()["accessToken"]
        finally:
            for http in connections.values():
                http.close()

    await asyncio.gather(*(worker() for _ in range(min(concurrency, len(who)))))
    return tokens


# --- the clients -------------------------------------------------------------------------------


@define
class Client:
    port: int
    user_id: str
    token: str
    socket: ClientConnection | None = None
    ready: bool = False
    received_at: float | None = None
    """``time.perf_counter()`` when the notification was read."""
    received_wall: float | None = None
    created_at: str | None = None
    failure: str | None = None
    """Why it could not connect."""
    closed_early: str | None = None
    """The close code when the socket closed before its notification arrived."""


@define
class Fleet:
    clients: list[Client]
    marker: str = field(factory=lambda: secrets.token_hex(8))
    closing: bool = False
    settled: int = 0
    ready_count: int = 0
    delivered: int = 0
    expected: int | None = None
    all_settled: asyncio.Event = field(factory=asyncio.Event)
    all_delivered: asyncio.Event = field(factory=asyncio.Event)

    def settle(self) -> None:
        self.settled += 1
        if self.settled == len(self.clients):
            self.all_settled.set()

    def deliver(self) -> None:
        self.delivered += 1
        if self.expected is not None and self.delivered >= self.expected:
            self.all_delivered.set()

    def expect(self, count: int) -> None:
        self.expected = count
        if self.delivered >= count:
            self.all_delivered.set()


def socket_url(port: int, token: str) -> str:
    return f"ws://{HOST}:{port}{WS_PATH}?token={token}"


async def open_socket(port: int, token: str) -> ClientConnection:
    """A socket that said ``ready`` (heartbeat pings before it are answered)."""
    socket = await connect(
        socket_url(port, token),
        open_timeout=CONNECT_TIMEOUT_SECONDS,
        ping_interval=None,  # the gateway has its own heartbeat, answered below
        close_timeout=5,
    )
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT_SECONDS):
            while True:
                message = json.loads(await socket.recv())
                if message.get("event") == "ready":
                    return socket
                if message.get("event") == "ping":
                    await socket.send(_PONG)
    except BaseException:
        await socket.close()
        raise


async def run_client(client: Client, fleet: Fleet, slots: asyncio.Semaphore) -> None:
    try:
        async with slots:
            client.socket = await open_socket(client.port, client.token)
    except (OSError, TimeoutError, InvalidHandshake, ConnectionClosed, ValueError) as exc:
        client.failure = type(exc).__name__
        fleet.settle()
        return
    client.ready = True
    fleet.ready_count += 1
    fleet.settle()
    socket = client.socket
    clock = time.perf_counter
    try:
        async for raw in socket:
            now = clock()
            message = json.loads(raw)
            event = message.get("event")
            if event == "notification.created" and client.received_at is None:
                data = message.get("data") or {}
                if (data.get("data") or {}).get("bench") == fleet.marker:
                    client.received_at = now
                    client.received_wall = time.time()
                    client.created_at = data.get("createdAt")
                    fleet.deliver()
            elif event == "ping":
                await socket.send(_PONG)
    except ConnectionClosed as exc:
        if not fleet.closing and client.received_at is None:
            client.closed_early = str(exc.rcvd.code) if exc.rcvd else "no close frame"


async def warm_up(ports: Sequence[int], admin: Account, admin_token: str) -> float:
    """One announcement to the administrator's socket on the last API process, awaited."""
    socket = await open_socket(ports[-1], admin_token)
    marker = secrets.token_hex(8)
    try:
        async with HttpConnection(ports[0]) as http:
            started = time.perf_counter()
            await _announce(http, admin_token, [admin.user_id], marker, "Bench warm-up")
            try:
                async with asyncio.timeout(WARMUP_TIMEOUT_SECONDS):
                    async for raw in socket:
                        message = json.loads(raw)
                        if message.get("event") == "ping":
                            await socket.send(_PONG)
                        data = message.get("data") or {}
                        if (
                            message.get("event") == "notification.created"
                            and (data.get("data") or {}).get("bench") == marker
                        ):
                            return (time.perf_counter() - started) * 1000
            except TimeoutError:
                pass
            raise RuntimeError(
                f"the warm-up notification did not arrive within {WARMUP_TIMEOUT_SECONDS} s "
                "(is the relay or the worker running? see the log)"
            )
    finally:
        await socket.close()


def _announce_request(
    port: int, token: str, recipients: Sequence[str], marker: str, title: str
) -> bytes:
    body = {
        "recipientIds": list(recipients),
        "type": "info",
        "title": title,
        "body": "A notification sent by the benchmark (python -m bench).",
        "link": None,
        "data": {"bench": marker},
    }
    return encode_request(
        "POST",
        ANNOUNCE_PATH,
        port,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        body=json.dumps(body).encode(),
    )


async def _announce(
    http: HttpConnection, token: str, recipients: Sequence[str], marker: str, title: str
) -> int:
    request = _announce_request(http.port, token, recipients, marker, title)
    response = expect(await http.send(request, "POST"), 202, f"POST {ANNOUNCE_PATH}")
    created: int = response.json()["created"]
    return created


# --- the measurement ---------------------------------------------------------------------------


async def measure(
    fleet: Fleet,
    setup: str,
    shape: SetupShape,
    environment: Environment,
    options: FanoutOptions,
    ports: Sequence[int],
    admin_token: str,
) -> FanoutResult:
    slots = asyncio.Semaphore(CONNECT_CONCURRENCY)
    started = time.perf_counter()
    tasks = [asyncio.create_task(run_client(client, fleet, slots)) for client in fleet.clients]
    try:
        try:
            await asyncio.wait_for(fleet.all_settled.wait(), CONNECT_PHASE_SECONDS)
        except TimeoutError:
            raise RuntimeError(
                f"only {fleet.ready_count} of {len(fleet.clients)} clients connected within "
                f"{CONNECT_PHASE_SECONDS} s"
            ) from None
        connect_seconds = time.perf_counter() - started
        ready = [client for client in fleet.clients if client.ready]
        if not ready:
            raise RuntimeError("no client could connect")
        fleet.expect(len(ready))

        # The trigger: batches of recipients, one keep-alive connection each, sent at once.
        batches = [
            [client.user_id for client in ready[i : i + options.batch]]
            for i in range(0, len(ready), options.batch)
        ]
        connections = [HttpConnection(ports[0]) for _ in batches]
        for http in connections:  # connected before the clock starts
            expect(await http.request("GET", "/health"), 200, "GET /health")
        requests = [
            _announce_request(ports[0], admin_token, batch, fleet.marker, "Bench fan-out")
            for batch in batches
        ]
        answered: list[float] = []

        async def trigger(http: HttpConnection, request: bytes) -> int:
            response = await http.send(request, "POST")
            answered.append(time.perf_counter())
            created: int = expect(response, 202, f"POST {ANNOUNCE_PATH}").json()["created"]
            return created

        t0 = time.perf_counter()
        sent = asyncio.gather(
            *(trigger(http, request) for http, request in zip(connections, requests, strict=True))
        )
        deadline = t0 + options.timeout
        try:
            created = sum(await asyncio.wait_for(sent, options.timeout))
        except TimeoutError:
            raise RuntimeError(
                f"POST {ANNOUNCE_PATH} was not answered within {options.timeout:g} s"
            ) from None
        finally:
            for http in connections:
                http.close()
        with suppress(TimeoutError):
            await asyncio.wait_for(
                fleet.all_delivered.wait(), max(0.0, deadline - time.perf_counter())
            )
        end = time.perf_counter()
    finally:
        fleet.closing = True
        await _close_all(fleet, tasks)

    delivered = [client for client in ready if client.received_at is not None]
    latencies = [(client.received_at - t0) * 1000 for client in delivered if client.received_at]
    last = max((client.received_at for client in delivered if client.received_at), default=end)
    failures: dict[str, int] = {}
    for client in fleet.clients:
        if client.failure:
            failures[client.failure] = failures.get(client.failure, 0) + 1
    closed: dict[str, int] = {}
    for client in ready:
        if client.closed_early:
            closed[client.closed_early] = closed.get(client.closed_early, 0) + 1
    complete = len(delivered) == len(ready)
    return FanoutResult(
        setup,
        shape.description,
        database_label=environment.database_label,
        redis_url=options.redis_url if shape.redis else None,
        api_processes=shape.api_processes,
        workers=shape.workers,
        requested_clients=len(fleet.clients),
        connected=len(ready),
        connect_failures=failures,
        connect_seconds=connect_seconds,
        trigger_requests=len(batches),
        created=created,
        trigger_ms=(max(answered) - t0) * 1000 if answered else float("nan"),
        latencies_ms=latencies,
        since_created_ms=_since_created(delivered),
        wall_seconds=(last if complete else end) - t0,
        per_process=[
            ProcessFanout(
                port,
                sum(1 for client in ready if client.port == port),
                [
                    (client.received_at - t0) * 1000
                    for client in delivered
                    if client.port == port and client.received_at
                ],
            )
            for port in ports
        ],
        undelivered_users=[client.user_id for client in ready if client.received_at is None],
        closed_early=closed,
    )


def _since_created(delivered: Sequence[Client]) -> list[float]:
    samples = []
    for client in delivered:
        if client.created_at and client.received_wall is not None:
            created = datetime.fromisoformat(client.created_at.replace("Z", "+00:00"))
            samples.append((client.received_wall - created.timestamp()) * 1000)
    return samples


async def _close_all(fleet: Fleet, tasks: Sequence[asyncio.Task[None]]) -> None:
    """Close every socket (a close handshake each), then end the client tasks."""
    sockets = [client.socket for client in fleet.clients if client.socket is not None]
    slots = asyncio.Semaphore(200)

    async def close(socket: ClientConnection) -> None:
        async with slots:
            await socket.close()

    with suppress(TimeoutError):
        await asyncio.wait_for(
            asyncio.gather(*(close(s) for s in sockets), return_exceptions=True),
            CLOSE_TIMEOUT_SECONDS,
        )
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


# --- helpers -----------------------------------------------------------------------------------


def raise_open_files_limit(needed: int) -> None:
    """Raise this process's soft ``RLIMIT_NOFILE`` (servers started after inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    if soft != resource.RLIM_INFINITY and soft < needed:
        raise BenchSetupError(
            f"{needed} open files are needed but the hard limit is {hard} (ulimit -Hn)"
        )


async def _flush_redis(url: str) -> None:
    """Empty the bench's Redis database (it must be one nothing else uses)."""
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    redis = Redis.from_url(url, socket_connect_timeout=5, socket_timeout=10)
    try:
        await redis.flushdb()
    except (RedisError, OSError) as exc:
        raise BenchSetupError(
            f"cannot use Redis at {url}: {exc}. Set ALORA_BENCH_REDIS_URL (or --redis-url) to "
            "a Redis database the bench may flush."
        ) from None
    finally:
        await redis.aclose()


def _keep_logs(root: Path, destination: Path) -> bool:
    """The deployment's process logs, one after the other, out of the temporary directory."""
    logs = sorted(root.glob("*.log"))
    if not logs:
        return False
    destination.parent.mkdir(parents=True, exist_ok=True)
    with destination.open("wb") as out:
        for log in logs:
            out.write(f"===== {log.name} =====\n".encode())
            with log.open("rb") as source:
                shutil.copyfileobj(source, out)
    return True
