"""The two measurements, each a ratio of two numbers taken in the same run on the same server.

A. Throughput of ``GET /api/v1/auth/me`` (token check + user read) over that of ``GET
   /bench/bare`` (the same JSON from memory), measured in alternating rounds.
B. Latency of ``GET /health`` while clients keep signing in (argon2id in worker threads) over
   its latency when the server is idle: does the event loop stay responsive?
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections.abc import Callable, Mapping, Sequence

from attrs import define, field, frozen

from bench.app import BARE_PATH
from bench.client import HttpConnection, encode_request
from bench.load import LoadGenerator, LoadResult
from bench.user import ME_PATH, BenchUser

WARMUP_SECONDS = 1
LOGIN_PATH = "/api/v1/auth/login"
HEALTH_PATH = "/health"


# --- A: throughput -----------------------------------------------------------------------------


@frozen
class EndpointThroughput:
    path: str
    rounds: list[LoadResult]

    @property
    def rps(self) -> float:
        return statistics.median(r.rps for r in self.rounds)

    @property
    def failures(self) -> int:
        return sum(r.failures for r in self.rounds)


@frozen
class Throughput:
    real: EndpointThroughput
    """The application's route."""
    bare: EndpointThroughput
    """The same JSON from memory."""

    @property
    def ratio(self) -> float:
        return self.real.rps / self.bare.rps if self.bare.rps else float("nan")


async def measure_throughput(
    generator: LoadGenerator,
    port: int,
    user: BenchUser,
    *,
    duration: int,
    connections: int,
    rounds: int,
    progress: Callable[[str], None],
) -> Throughput:
    """``/api/v1/auth/me`` against ``/bench/bare``."""
    return await measure_pair(
        generator,
        port,
        (ME_PATH, user.auth_headers),
        BARE_PATH,
        duration=duration,
        connections=connections,
        rounds=rounds,
        progress=progress,
    )


async def measure_pair(
    generator: LoadGenerator,
    port: int,
    real: tuple[str, Mapping[str, str]],
    bare_path: str,
    *,
    duration: int,
    connections: int,
    rounds: int,
    progress: Callable[[str], None],
) -> Throughput:
    """``rounds`` rounds of both routes, alternating which goes first; medians per route."""
    real_path = real[0]
    routes: dict[str, Mapping[str, str]] = {real_path: real[1], bare_path: {}}
    for path, headers in routes.items():
        await generator.run(port, path, headers, WARMUP_SECONDS, connections)
    results: dict[str, list[LoadResult]] = {path: [] for path in routes}
    for index in range(rounds):
        order = list(routes) if index % 2 == 0 else list(reversed(routes))
        for path in order:
            result = await generator.run(port, path, routes[path], duration, connections)
            results[path].append(result)
            progress(f"round {index + 1}/{rounds} {path}: {result.rps:,.0f} req/s")
    return Throughput(
        EndpointThroughput(real_path, results[real_path]),
        EndpointThroughput(bare_path, results[bare_path]),
    )


# --- B: latency under sign-in load -------------------------------------------------------------


@frozen
class Latency:
    samples_ms: list[float] = field(repr=False)
    seconds: float

    @property
    def p50_ms(self) -> float:
        return percentile(self.samples_ms, 50)

    @property
    def p99_ms(self) -> float:
        return percentile(self.samples_ms, 99)


@frozen
class LoadedLatency:
    idle: Latency
    loaded: Latency
    login_clients: int
    logins: int
    """Sign-ins that completed while the loaded latency was measured."""
    login_failures: dict[str, int]
    """Failed sign-ins by HTTP status (``"error"``: the connection failed)."""

    @property
    def p99_ratio(self) -> float:
        return self.loaded.p99_ms / self.idle.p99_ms if self.idle.p99_ms else float("nan")

    @property
    def p50_ratio(self) -> float:
        return self.loaded.p50_ms / self.idle.p50_ms if self.idle.p50_ms else float("nan")

    @property
    def logins_per_second(self) -> float:
        return self.logins / self.loaded.seconds if self.loaded.seconds else 0.0


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile (p99 of 2,000 samples is the 1,980th smallest)."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil without floats drifting
    return ordered[int(rank) - 1]


async def health_latency(port: int, requests: int, *, time_limit: float) -> Latency:
    """``requests`` sequential ``GET /health`` on one keep-alive connection (after a warm-up)."""
    request = encode_request("GET", HEALTH_PATH, port)
    samples: list[float] = []
    clock = time.perf_counter
    async with HttpConnection(port) as http:
        for _ in range(50):
            await http.send(request)
        start = clock()
        deadline = start + time_limit
        while len(samples) < requests and clock() < deadline:
            sent = clock()
            response = await http.send(request)
            samples.append((clock() - sent) * 1000)
            if response.status != 200:
                raise RuntimeError(f"GET /health answered {response.status}")
        return Latency(samples, clock() - start)


@define
class _Logins:
    completed: list[float] = field(factory=list)
    failures: dict[str, int] = field(factory=dict)
    stop: asyncio.Event = field(factory=asyncio.Event)
    first: asyncio.Event = field(factory=asyncio.Event)

    def fail(self, kind: str) -> None:
        self.failures[kind] = self.failures.get(kind, 0) + 1


def _login_body(user: BenchUser) -> bytes:
    return json.dumps({"identifier": user.email, "password": user.password}).encode()


async def _login_loop(port: int, body: bytes, logins: _Logins, deadline: float) -> None:
    request = encode_request(
        "POST", LOGIN_PATH, port, headers={"Content-Type": "application/json"}, body=body
    )
    async with HttpConnection(port) as http:
        while not logins.stop.is_set() and time.perf_counter() < deadline:
            try:
                response = await http.send(request, "POST")
            except (OSError, asyncio.IncompleteReadError):
                logins.fail("error")
                await asyncio.sleep(0.05)
                continue
            if response.status == 200:
                logins.completed.append(time.perf_counter())
                logins.first.set()
            else:
                logins.fail(str(response.status))
                await asyncio.sleep(0.05)


async def measure_latency(
    port: int,
    login_users: Sequence[BenchUser],
    *,
    requests: int,
    time_limit: float = 60.0,
) -> LoadedLatency:
    """Idle ``/health`` latency, then the same while one client per user loops on sign-in.

    Each client signs in as its own user, as separate people would: concurrent sign-ins of one
    user contend on that user's row, which is another measurement.
    """
    idle = await health_latency(port, requests, time_limit=time_limit)
    logins = _Logins()
    hard_deadline = time.perf_counter() + 2 * time_limit + 30
    tasks = [
        asyncio.create_task(_login_loop(port, _login_body(user), logins, hard_deadline))
        for user in login_users
    ]
    try:
        try:  # until sign-ins are really under way
            await asyncio.wait_for(logins.first.wait(), 30)
        except TimeoutError:
            raise RuntimeError(
                f"no sign-in succeeded within 30 s (failures: {logins.failures})"
            ) from None
        start = time.perf_counter()
        loaded = await health_latency(port, requests, time_limit=time_limit)
        end = time.perf_counter()
    finally:
        logins.stop.set()
        _, pending = await asyncio.wait(tasks, timeout=10)
        for task in pending:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    during = sum(1 for t in logins.completed if start <= t <= end)
    return LoadedLatency(idle, loaded, len(login_users), during, logins.failures)
