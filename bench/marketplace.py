"""D. The marketplace, on SQLite and then on PostgreSQL, each on a throwaway server of its own.

Accounts are stored directly (``bench.fanout.seed_accounts``): an administrator, 20
professionals and 50 customers, verified, one argon2id hash for all. Everything else goes
through the API: the administrator creates 20 services; each professional signs in, saves a
profile offering some of them (time zones alternate between Europe/Berlin and
America/New_York) and opens every hour of every day in 30-minute slots.

1. Throughput of ``GET /api/v1/services?pageSize=20`` and ``GET
   /api/v1/professionals?pageSize=20`` (20 items each, anonymous) over that of the minimal
   Litestar app (``bench.bare``) returning the same bytes from memory, of ``GET
   /bench/bare/services`` and ``GET /bench/bare/professionals`` (the same inside Alora) and,
   for the services, of Express 5 (``bench/express``); alternating rounds as in A. Only on the
   first database of the run (``measure_lists``): the goals name one figure per list.
2. Bookings created per second: 50 customers, each on its own keep-alive connection, post
   ``POST /api/v1/bookings`` one after the other for ``--duration`` seconds, each on a distinct
   open slot (taken from ``GET /api/v1/professionals/{id}/slots`` beforehand, so no two
   requests compete). Every answer other than 201 is counted as refused.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from itertools import cycle
from typing import Any

from attrs import field, frozen

from bench.app import BARE_PATH, bare_list_file
from bench.client import HttpConnection, HttpError, expect
from bench.comparators import Express, running_comparators
from bench.fanout import Account, seed_accounts, sign_in_all
from bench.load import LoadGenerator
from bench.scenarios import Target, Throughput, measure_targets
from bench.server import (
    BenchSetupError,
    Database,
    Environment,
    migrate,
    running_server,
    throwaway_environment,
)

SERVICES = 20
PROFESSIONALS = 20
CUSTOMERS = 50
LIST_SIZE = 20
SLOT_MINUTES = 30
SLOT_DAYS = 28
ZONES = ("Europe/Berlin", "America/New_York")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
LISTS = {
    "services": f"/api/v1/services?pageSize={LIST_SIZE}",
    "professionals": f"/api/v1/professionals?pageSize={LIST_SIZE}",
}

Progress = Callable[[str], None]


@frozen
class BookingRate:
    clients: int
    created: int
    refused: int
    seconds: float
    refusals: dict[int, int]
    """Refused requests by HTTP status (``0``: the connection failed)."""
    by_port: dict[int, int] = field(factory=dict)
    """Bookings created through each API process."""
    requests_by_port: dict[int, int] = field(factory=dict)
    """Requests answered (or failed) by each API process, created or not."""

    @property
    def per_second(self) -> float:
        return self.created / self.seconds if self.seconds > 0 else 0.0


@frozen
class MarketplaceResult:
    database: Database
    database_label: str
    lists: dict[str, Throughput]
    """Empty when the lists were not measured on this database."""
    bookings: BookingRate | None
    """None when the run failed (see ``error``)."""
    express_missing: str | None = None
    """Why the Express comparator was not measured (``not measured: ...``)."""
    error: str | None = None


@frozen
class Market:
    admin_token: str
    service_ids: list[str]
    professional_ids: list[str]
    customer_tokens: list[str]


async def run_marketplace(
    database: Database,
    generator: LoadGenerator,
    *,
    postgres_url: str,
    duration: int,
    connections: int,
    rounds: int,
    progress: Progress,
    express: Express,
    measure_lists: bool = True,
) -> MarketplaceResult:
    """One database, from nothing to torn down; a failure is returned in ``error``."""
    try:
        return await _run_marketplace(
            database,
            generator,
            postgres_url=postgres_url,
            duration=duration,
            connections=connections,
            rounds=rounds,
            progress=progress,
            express=express,
            measure_lists=measure_lists,
        )
    except (BenchSetupError, HttpError, RuntimeError, OSError, TimeoutError) as exc:
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        progress(f"marketplace {database}: failed: {error}")
        return MarketplaceResult(database, database, {}, None, error=error)


async def _run_marketplace(
    database: Database,
    generator: LoadGenerator,
    *,
    postgres_url: str,
    duration: int,
    connections: int,
    rounds: int,
    progress: Progress,
    express: Express,
    measure_lists: bool,
) -> MarketplaceResult:
    async with throwaway_environment(database, postgres_url) as environment:
        progress(f"marketplace: {environment.database_label}; running alora db upgrade")
        progress(await migrate(environment) or "migrated")
        password = f"bench-{secrets.token_urlsafe(12)}"
        admin, customers, professionals = await seed_accounts(
            environment, CUSTOMERS, password, professionals=PROFESSIONALS
        )
        async with running_server(environment, name="marketplace") as server:
            everyone = [admin, *professionals, *customers]
            tokens = await sign_in_all([(server.port, a.email) for a in everyone], password)
            market = await open_market(server.port, tokens, professionals)
            progress(
                f"marketplace: {SERVICES} services, {PROFESSIONALS} professionals with "
                f"availability, {CUSTOMERS} customers signed in"
            )
            lists: dict[str, Throughput] = {}
            if measure_lists:
                lists = await _measure_lists(
                    generator,
                    server.port,
                    environment,
                    express,
                    duration=duration,
                    connections=connections,
                    rounds=rounds,
                    progress=progress,
                )
            bookings = await book([server.port], market, duration, progress)
    return MarketplaceResult(
        database=database,
        database_label=environment.database_label,
        lists=lists,
        bookings=bookings,
        express_missing=express.missing if measure_lists else None,
    )


async def _measure_lists(
    generator: LoadGenerator,
    port: int,
    environment: Environment,
    express: Express,
    *,
    duration: int,
    connections: int,
    rounds: int,
    progress: Progress,
) -> dict[str, Throughput]:
    bodies = {
        name: await _write_bare(port, environment, name, path) for name, path in LISTS.items()
    }
    lists: dict[str, Throughput] = {}
    async with running_comparators(
        {f"{name}.json": body for name, body in bodies.items()},
        express,
        log_dir=environment.root,
    ) as comparators:
        progress(
            f"marketplace: minimal Litestar on port {comparators.litestar.port}, Express "
            + (
                f"on port {comparators.express.port}"
                if comparators.express
                else f"{comparators.express_missing}"
            )
        )
        for name, path in LISTS.items():
            targets = [
                Target("alora", port, path),
                Target("inApp", port, f"{BARE_PATH}/{name}"),
                Target("litestar", comparators.litestar.port, path),
            ]
            if comparators.express is not None and name == "services":
                targets.append(Target("express", comparators.express.port, path))
            for target in targets[2:]:
                await _check_same_body(target, bodies[name])
            lists[name] = await measure_targets(
                generator,
                targets,
                duration=duration,
                connections=connections,
                rounds=rounds,
                progress=progress,
            )
    return lists


async def _check_same_body(target: Target, body: bytes) -> None:
    async with HttpConnection(target.port) as http:
        answer = expect(await http.request("GET", target.path), 200, f"{target.key} {target.path}")
    if answer.body != body:
        raise RuntimeError(f"{target.key} GET {target.path} does not return Alora's bytes")


async def open_market(port: int, tokens: Sequence[str], professionals: Sequence[Account]) -> Market:
    """Services, profiles and availability through the API.

    ``tokens``: the administrator's, then the professionals', then the customers'.
    """
    admin_token, pro_tokens = tokens[0], tokens[1 : 1 + len(professionals)]
    async with HttpConnection(port) as http:
        service_ids = []
        for index in range(SERVICES):
            created = await http.request(
                "POST",
                "/api/v1/services",
                json_body={
                    "title": f"Bench service {index:02d}",
                    "description": f"Everything about bench service number {index}.",
                    "category": ("plumbing", "electrical", "cleaning", "painting")[index % 4],
                    "icon": "wrench",
                    "color": "#3366cc",
                },
                headers=_bearer(admin_token),
            )
            service_ids.append(expect(created, 201, "POST /api/v1/services").json()["id"])
        for index, token in enumerate(pro_tokens):
            offered = [service_ids[(index + k) % SERVICES] for k in range(3)]
            zone = ZONES[index % len(ZONES)]
            profile = {
                "categories": ["plumbing", "electrical"],
                "serviceIds": offered,
                "skills": ["pipes", "wiring", "tiling"],
                "bio": f"Bench professional {index}, twenty years of experience.",
                "hourlyRate": {"amount": 3000 + 100 * index, "currency": "EUR"},
                "serviceArea": {"cities": ["Berlin", "New York"], "postalCodes": ["10115"]},
                "timezone": zone,
            }
            saved = await http.request(
                "PUT", "/api/v1/professionals/me/profile", json_body=profile, headers=_bearer(token)
            )
            expect(saved, 200, "PUT /api/v1/professionals/me/profile")
            availability = {
                "timezone": zone,
                "weekly": [
                    {"day": day, "slots": [{"start": "00:00", "end": "24:00"}]} for day in DAYS
                ],
                "rules": {"slotMinutes": SLOT_MINUTES},
            }
            opened = await http.request(
                "PUT",
                "/api/v1/professionals/me/availability",
                json_body=availability,
                headers=_bearer(token),
            )
            expect(opened, 200, "PUT /api/v1/professionals/me/availability")
    return Market(
        admin_token=admin_token,
        service_ids=service_ids,
        professional_ids=[account.user_id for account in professionals],
        customer_tokens=list(tokens[1 + len(professionals) :]),
    )


async def _write_bare(port: int, environment: Environment, name: str, path: str) -> bytes:
    async with HttpConnection(port) as http:
        body = expect(await http.request("GET", path), 200, f"GET {path}").body
    bare_list_file(environment.bare_json, name).write_bytes(body)
    async with HttpConnection(port) as http:
        bare = expect(await http.request("GET", f"{BARE_PATH}/{name}"), 200, f"bare {name}")
    if bare.body != body:
        raise RuntimeError(f"GET {BARE_PATH}/{name} does not return the body of GET {path}")
    return body


async def _open_slots(port: int, market: Market) -> list[tuple[str, str, str]]:
    """``(professional id, service id, start)`` of every open slot in the next weeks."""
    start = datetime.now(UTC) + timedelta(hours=3)
    found: list[tuple[str, str, str]] = []
    async with HttpConnection(port) as http:
        for index, professional_id in enumerate(market.professional_ids):
            service_id = market.service_ids[index % SERVICES]
            window = f"from={_iso(start)}&to={_iso(start + timedelta(days=SLOT_DAYS))}"
            answer = expect(
                await http.request(
                    "GET", f"/api/v1/professionals/{professional_id}/slots?{window}"
                ),
                200,
                "GET slots",
            ).json()
            found += [(professional_id, service_id, slot["start"]) for slot in answer["slots"]]
    return found


async def book(
    ports: Sequence[int], market: Market, duration: int, progress: Progress
) -> BookingRate:
    """Customer ``i`` books through API process ``ports[i % len(ports)]``."""
    slots = await _open_slots(ports[0], market)
    clients = len(market.customer_tokens)
    per_client: list[list[tuple[str, str, str]]] = [[] for _ in range(clients)]
    for slot, queue in zip(slots, cycle(per_client), strict=False):
        queue.append(slot)
    progress(f"marketplace: {len(slots)} open slots; {clients} clients book for {duration} s")
    created = 0
    by_port = dict.fromkeys(ports, 0)
    requests_by_port = dict.fromkeys(ports, 0)
    refusals: dict[int, int] = {}
    deadline = time.perf_counter() + duration

    async def client(port: int, token: str, queue: list[tuple[str, str, str]]) -> None:
        nonlocal created
        async with HttpConnection(port) as http:
            for professional_id, service_id, start in queue:
                if time.perf_counter() >= deadline:
                    return
                requests_by_port[port] += 1
                try:
                    answer = await http.request(
                        "POST",
                        "/api/v1/bookings",
                        json_body=_booking(professional_id, service_id, start),
                        headers=_bearer(token),
                    )
                except (OSError, asyncio.IncompleteReadError):
                    refusals[0] = refusals.get(0, 0) + 1
                    continue
                if answer.status == 201:
                    created += 1
                    by_port[port] += 1
                else:
                    refusals[answer.status] = refusals.get(answer.status, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(
        *(
            client(ports[index % len(ports)], token, queue)
            for index, (token, queue) in enumerate(
                zip(market.customer_tokens, per_client, strict=True)
            )
        )
    )
    seconds = time.perf_counter() - started
    refused = sum(refusals.values())
    progress(f"marketplace: {created} bookings in {seconds:.1f} s, {refused} refused")
    return BookingRate(clients, created, refused, seconds, refusals, by_port, requests_by_port)


def _booking(professional_id: str, service_id: str, start: str) -> dict[str, Any]:
    return {
        "professionalId": professional_id,
        "serviceId": service_id,
        "start": start,
        "durationMinutes": SLOT_MINUTES,
        "address": "Invalidenstrasse 1, 10115 Berlin",
        "notes": "Benchmark booking",
    }


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
