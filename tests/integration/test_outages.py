"""Outages answer 503 with ``Retry-After``, never 500: a database that refuses connections,
SQLite locked by another process beyond ``busy_timeout``, this process's writers queued beyond
``ALORA_DATABASE_WRITE_TIMEOUT_SECONDS``. And the race SQLite must survive: many bookings
requested at once through a real server get 201 or 409, nothing else.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import socket
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.engine import make_url

from adapters.memory.hasher import FastPasswordHasher
from alora_core.booking.catalog.commands import CreateService, NewService
from alora_core.booking.professionals import commands as pc
from alora_core.identity.model import Role
from alora_core.shared.actor import Actor
from entrypoints import bootstrap
from entrypoints.bootstrap import Alora
from entrypoints.http.app import create_app
from entrypoints.migrations import upgrade
from entrypoints.settings import Settings
from support.builders import add_user, change_user
from support.http import BASE_URL, PASSWORD, assert_problem, bearer, make_settings
from support.proxy import CuttableProxy
from support.realtime import serve

EVERY_DAY = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _registration(name: str) -> dict[str, str]:
    return {
        "fullName": name.title(),
        "username": name,
        "email": f"{name}@example.com",
        "phone": f"+1415555{secrets.randbelow(10_000):04d}",
        "password": PASSWORD,
        "role": "customer",
    }


def _assert_unavailable(response: httpx.Response, reason: str) -> None:
    problem = assert_problem(response, 503)
    assert problem["type"].endswith("/unavailable"), problem
    assert problem["reason"] == reason, problem
    assert int(response.headers["retry-after"]) >= 1


async def test_a_database_that_refuses_connections_answers_503(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path,
        ALORA_DATABASE_URL=f"postgresql://postgres@127.0.0.1:{_closed_port()}/alora",
        ALORA_LOG_LEVEL="error",
    )
    async with AsyncTestClient(create_app(settings), base_url=BASE_URL) as client:
        for response in (
            await client.get("/api/v1/services"),
            await client.get("/api/v1/professionals"),
            await client.post("/api/v1/auth/register", json=_registration("ada")),
            await client.get("/api/v1/auth/me", headers=bearer("not-a-token")),
        ):
            if response.status_code == 401:  # a malformed token needs no database
                continue
            _assert_unavailable(response, "database-unreachable")
        ready = await client.get("/health/ready")
        assert ready.status_code == 503


@pytest.fixture
async def sqlite_settings(sqlite_url: str, tmp_path: Path) -> Settings:
    await upgrade(sqlite_url)
    return make_settings(
        tmp_path,
        ALORA_DATABASE_URL=sqlite_url,
        ALORA_MAIL_DIR=str(tmp_path / "mail"),
        ALORA_LOG_LEVEL="error",
        ALORA_DATABASE_WRITE_TIMEOUT_SECONDS="0.3",
    )


async def test_sqlite_locked_by_another_process_answers_503(
    sqlite_settings: Settings, sqlite_url: str
) -> None:
    """Another process (here a plain connection) holds the write lock beyond busy_timeout."""
    other = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        async with _served(sqlite_settings) as (_, client):
            response = await client.post("/api/v1/auth/register", json=_registration("ada"))
            _assert_unavailable(response, "database-busy")
            # Reads take no write lock: they still answer.
            assert (await client.get("/api/v1/services")).status_code == 200
            other.execute("ROLLBACK")
            again = await client.post("/api/v1/auth/register", json=_registration("ada"))
            assert again.status_code == 201, again.text
    finally:
        other.close()


async def test_a_write_queued_beyond_the_write_timeout_answers_503(
    sqlite_settings: Settings,
) -> None:
    async with _served(sqlite_settings) as (alora, client):
        # A write transaction of this process that goes on and on (its first statement took
        # this process's turn to write).
        async with alora.uow_factory() as uow:
            await uow.jobs.stats(alora.clock.now())
            started = asyncio.get_running_loop().time()
            response = await client.post("/api/v1/auth/register", json=_registration("bob"))
            waited = asyncio.get_running_loop().time() - started
        _assert_unavailable(response, "database-busy")
        assert waited < 4, "the wait is ALORA_DATABASE_WRITE_TIMEOUT_SECONDS, not busy_timeout"
        again = await client.post("/api/v1/auth/register", json=_registration("bob"))
        assert again.status_code == 201, again.text


# --- the race ------------------------------------------------------------------------------------


@asynccontextmanager
async def _served(
    settings: Settings,
) -> AsyncIterator[tuple[Alora, httpx.AsyncClient]]:
    """The app on a composed Alora (jobs run in this process) served by uvicorn, and a client
    of up to 50 connections."""
    alora = await bootstrap.build(settings, hasher=FastPasswordHasher())
    try:
        alora.start_relay()
        async with (
            serve(create_app(settings, alora=alora)) as base_url,
            httpx.AsyncClient(
                base_url=base_url, limits=httpx.Limits(max_connections=50), timeout=60
            ) as client,
        ):
            yield alora, client
    finally:
        await alora.aclose()


async def _open_market(alora: Alora, customers: int) -> tuple[str, str, list[str]]:
    """An administrator's service, a professional open around the clock in UTC, and
    ``customers`` verified customers with ``PASSWORD``: (professional id, service id, emails)."""
    password_hash = await FastPasswordHasher().hash(PASSWORD)

    def with_password(user: Any) -> None:
        user.password_hash = password_hash

    admin = await add_user(alora, "root", Role.ADMIN, verified=True, unique=True)
    service = await alora.bus.handle(
        CreateService(
            actor=Actor(user_id=admin.id, role=Role.ADMIN, email_verified=True),
            service=NewService(title="Plumbing", category="plumbing"),
        )
    )
    pro = await add_user(alora, "paul", Role.PROFESSIONAL, verified=True, unique=True)
    actor = Actor(user_id=pro.id, role=Role.PROFESSIONAL, email_verified=True)
    await alora.bus.handle(
        pc.SaveProfile(
            actor=actor,
            timezone="UTC",
            categories=["plumbing"],
            service_ids=[service.id],
            hourly_rate=pc.RateInput(amount=4500, currency="EUR"),
            service_area=pc.AreaInput(cities=["Berlin"]),
        )
    )
    await alora.bus.handle(
        pc.SetAvailability(
            actor=actor,
            timezone="UTC",
            weekly=[
                pc.DayInput(day=day, slots=[pc.HoursInput(start="00:00", end="24:00")])
                for day in EVERY_DAY
            ],
            rules=pc.RulesInput(min_notice_minutes=0, horizon_days=365),
        )
    )
    emails = []
    for n in range(customers):
        user = await add_user(alora, f"customer{n}", verified=True, unique=True)
        await change_user(alora, user.id, with_password)
        emails.append(user.email)
    return str(pro.id), str(service.id), emails


async def test_simultaneous_bookings_on_sqlite_answer_201_or_409(
    sqlite_settings: Settings,
) -> None:
    settings = make_settings(
        sqlite_settings.var_dir.parent,
        ALORA_DATABASE_URL=sqlite_settings.database_url,
        ALORA_MAIL_DIR=str(sqlite_settings.mail_dir),
        ALORA_LOG_LEVEL="error",
        ALORA_BOOKING_MAX_PENDING_PER_PROFESSIONAL="10",  # each customer asks for 5 or 6 hours
    )
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    async with _served(settings) as (alora, client):
        professional_id, service_id, emails = await _open_market(alora, customers=8)
        tokens = []
        for email in emails:
            login = await client.post(
                "/api/v1/auth/login", json={"identifier": email, "password": PASSWORD}
            )
            assert login.status_code == 200, login.text
            tokens.append(login.json()["accessToken"])
        client.cookies.clear()
        await asyncio.gather(*(client.get("/health") for _ in range(50)))

        async def book(n: int, hour: int) -> httpx.Response:
            return await client.post(
                "/api/v1/bookings",
                json={
                    "professionalId": professional_id,
                    "serviceId": service_id,
                    "start": (tomorrow + timedelta(hours=hour)).isoformat(),
                    "durationMinutes": 60,
                    "address": "Unter den Linden 1, Berlin",
                },
                headers=bearer(tokens[n % len(tokens)]),
            )

        # 40 distinct hours, and 10 requests for one more hour.
        requests = [book(n, n) for n in range(40)] + [book(n, 40) for n in range(10)]
        responses = await asyncio.gather(*requests)
    statuses = [response.status_code for response in responses]
    unexpected = [r.text for r in responses if r.status_code not in {201, 409}]
    assert not unexpected, unexpected
    assert statuses[:40] == [201] * 40
    assert sorted(statuses[40:]) == [201] + [409] * 9


# --- out of connections ------------------------------------------------------------------------


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.mark.postgres
async def test_bookings_beyond_the_servers_connections_answer_503_never_500(
    fresh_postgres_url: str, tmp_path: Path
) -> None:
    await upgrade(fresh_postgres_url)
    role = f"alora_limited_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(_dsn(fresh_postgres_url))
    database = make_url(fresh_postgres_url).database
    try:
        await admin.execute(f"CREATE ROLE {role} LOGIN CONNECTION LIMIT 2")
        await admin.execute(f'GRANT ALL ON DATABASE "{database}" TO {role}')
        await admin.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")
        await admin.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}")
        limited = make_url(fresh_postgres_url).set(username=role, password=None)
        settings = make_settings(
            tmp_path,
            ALORA_DATABASE_URL=limited.render_as_string(hide_password=False),
            ALORA_MAIL_DIR=str(tmp_path / "mail"),
            ALORA_LOG_LEVEL="error",
            ALORA_AUTH_RATE_PER_MINUTE="100000",
        )
        start = (datetime.now(UTC) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
        async with _served(settings) as (alora, client):
            professional_id, service_id, emails = await _open_market(alora, customers=3)
            tokens = []
            for email in emails:
                login = await client.post(
                    "/api/v1/auth/login", json={"identifier": email, "password": PASSWORD}
                )
                assert login.status_code == 200, login.text
                tokens.append(login.json()["accessToken"])

            async def book(n: int) -> httpx.Response:
                return await client.post(
                    "/api/v1/bookings",
                    json={
                        "professionalId": professional_id,
                        "serviceId": service_id,
                        "start": (start + timedelta(hours=n)).isoformat(),
                        "durationMinutes": 60,
                        "address": "Unter den Linden 1, Berlin",
                    },
                    headers=bearer(tokens[n % len(tokens)]),
                )

            responses = await asyncio.gather(*(book(n) for n in range(30)))
    finally:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", role
        )
        await admin.execute(f'REVOKE ALL ON DATABASE "{database}" FROM {role}')
        await admin.execute(f"DROP OWNED BY {role}")
        await admin.execute(f"DROP ROLE IF EXISTS {role}")
        await admin.close()
    statuses = sorted(r.status_code for r in responses)
    for response in responses:
        if response.status_code != 201:
            problem = assert_problem(response, 503)
            assert problem["reason"] in {"database-busy", "database-unreachable"}, problem
            assert int(response.headers["retry-after"]) >= 1
    assert 201 in statuses


# --- the database goes down and comes back --------------------------------------------------------


@pytest.mark.postgres
async def test_a_database_that_goes_down_answers_503_and_the_relay_waits_quietly(
    fresh_postgres_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await upgrade(fresh_postgres_url)
    server = make_url(fresh_postgres_url)
    proxy = CuttableProxy(server.host or "127.0.0.1", server.port or 5432)
    await proxy.start()
    settings = make_settings(
        tmp_path,
        ALORA_DATABASE_URL=server.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False
        ),
        ALORA_MAIL_DIR=str(tmp_path / "mail"),
        ALORA_RELAY_POLL_SECONDS="0.02",
    )
    try:
        async with _served(settings) as (alora, client):
            assert (await client.get("/api/v1/services")).status_code == 200
            caplog.clear()
            with caplog.at_level(logging.INFO):
                await proxy.stop()
                for response in (  # (the services list may be served from its cache)
                    await client.get("/api/v1/professionals"),
                    await client.post("/api/v1/auth/register", json=_registration("ada")),
                    await client.post(
                        "/api/v1/auth/login", json={"identifier": "ada", "password": PASSWORD}
                    ),
                ):
                    _assert_unavailable(response, "database-unreachable")
                alora.relay.wake()
                await asyncio.sleep(1.5)  # the relay polls every 0.02 s while the database is up
                down = [r for r in caplog.records if r.name.startswith("alora.relay")]
                await proxy.start()
                registered = await _eventually_registered(client, "bob")
                assert registered.status_code == 201, registered.text
                await _eventually(lambda: any((tmp_path / "mail").glob("*.eml")))
                back = [r for r in caplog.records if r.name.startswith("alora.relay")][len(down) :]
    finally:
        await proxy.stop()
    assert [(r.levelno, r.exc_info) for r in down] == [(logging.WARNING, None)], down
    assert any(r.levelno == logging.INFO for r in back), back
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


async def _eventually_registered(client: httpx.AsyncClient, name: str) -> httpx.Response:
    for _ in range(100):
        response = await client.post("/api/v1/auth/register", json=_registration(name))
        if response.status_code != 503:
            return response
        await asyncio.sleep(0.1)
    return response


async def _eventually(condition: Any) -> None:
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("never happened")
