"""The two measurements, each a ratio of numbers taken in the same run on the same machine.

A. Throughput of ``GET /api/v1/auth/me`` (token check + user read) over that of the minimal
   Litestar app returning the same JSON from memory (``bench.bare``), and of ``GET
   /bench/bare`` (the same JSON inside Alora), measured in alternating rounds.
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
class Target:
    """One route to load: ``key`` names it in the report (``alora``, ``inApp``, ``litestar``...)."""

    key: str
    port: int
    path: str
    headers: Mapping[str, str] = field(factory=dict)


@frozen
class Throughput:
    """Requests/s of several targets serving the same bytes, measured in alternating rounds."""

    results: dict[str, EndpointThroughput]
    """By target key, in the order given."""

    def rps(self, key: str) -> float | None:
        result = self.results.get(key)
        return None if result is None else result.rps

    def ratio(self, key: str, over: str) -> float | None:
        top, bottom = self.rps(key), self.rps(over)
        if top is None or bottom is None:
            return None
        return top / bottom if bottom else float("nan")


async def measure_throughput(
    generator: LoadGenerator,
    port: int,
    user: BenchUser,
    *,
    minimal_port: int,
    duration: int,
    connections: int,
    rounds: int,
    progress: Callable[[str], None],
) -> Throughput:
    """``/api/v1/auth/me`` against ``/bench/bare`` (in-app) and the minimal Litestar app."""
    return await measure_targets(
        generator,
        [
            Target("alora", port, ME_PATH, user.auth_headers),
            Target("inApp", port, BARE_PATH),
            Target("litestar", minimal_port, ME_PATH),
        ],
        duration=duration,
        connections=connections,
        rounds=rounds,
        progress=progress,
    )


async def measure_targets(
    generator: LoadGenerator,
    targets: Sequence[Target],
    *,
    duration: int,
    connections: int,
    rounds: int,
    progress: Callable[[str], None],
) -> Throughput:
    """``rounds`` rounds over all targets, each round starting one target later; medians.

    Every target gets a short warm-up first. Rotating the order spreads any drift of the
    machine (other load, CPU frequency) over all targets alike.
    """
    for target in targets:
        await generator.run(target.port, target.path, target.headers, WARMUP_SECONDS, connections)
    results: dict[str, list[LoadResult]] = {target.key: [] for target in targets}
    for index in range(rounds):
        shift = index % len(targets)
        for target in [*targets[shift:], *targets[:shift]]:
            result = await generator.run(
                target.port, target.path, target.headers, duration, connections
            )
            results[target.key].append(result)
            progress(
                f"round {index + 1}/{rounds} {target.key} {target.path}: {result.rps:,.0f} req/s"
            )
    return Throughput(
        {target.key: EndpointThroughput(target.path, results[target.key]) for target in targets}
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
