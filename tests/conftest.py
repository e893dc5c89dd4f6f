"""Fixtures shared by every test.

Services: ``postgres_url`` and ``redis_url`` point at the servers named by
``ALORA_TEST_POSTGRES_URL`` / ``ALORA_TEST_REDIS_URL`` (defaults: the local ones). A test that
uses them is skipped when the server cannot be reached, unless ``ALORA_REQUIRE_SERVICES=1``
(CI), which makes it fail instead. Such tests are marked ``postgres`` / ``redis``
automatically, so ``pytest -m "not postgres"`` deselects them.

Isolation: every test runs with no ``ALORA_*`` variables in ``os.environ`` and with a fresh
temporary directory as the working directory, so a developer's environment, ``.env`` file
or ``var/`` folder never leaks in (build paths from ``__file__``, not the working directory).

Event loops: pytest-asyncio's default loop, one per test (``asyncio_mode=auto``). Async
fixtures shared by the session must say so: ``@pytest_asyncio.fixture(scope="session",
loop_scope="session")`` and should yield plain values (URLs), not loop-bound objects. Request
such a fixture from a sync fixture (``request.getfixturevalue``), not from a per-test async one.

Migrated databases: ``migrated_database_url`` is parametrized over SQLite and PostgreSQL and
gives a database at the latest migration with empty tables (a fresh SQLite file per test; the
session PostgreSQL database, migrated once, with every table emptied before the test).

Backends: ``backend`` is parametrized ``[memory]``, ``[sqlite]`` and ``[postgres]`` and builds
Alora through ``entrypoints.bootstrap`` on each (``tests/support/backends.py``); the contexts'
use-case suites run on it. Tests are marked ``memory``, ``sqlite`` or ``postgres`` by the
backend they use (``nox -s unit`` runs the ``memory`` ones: every test of ``tests/unit`` and
each suite on memory).

Redis: a test run takes a database number of its own (``redis_url``), which no other run uses
while it runs, so runs side by side never flush each other's keys.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
import pytest_asyncio
from sqlalchemy.engine import URL, make_url

from support.backends import Backend

# Read once at import, before the per-test isolation below empties ALORA_* from os.environ.
POSTGRES_URL = os.environ.get(
    "ALORA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("ALORA_TEST_REDIS_URL", "redis://127.0.0.1:6379")
REQUIRE_SERVICES = os.environ.get("ALORA_REQUIRE_SERVICES", "").strip().lower() in {
    "1",
    "true",
    "yes",
}

_SERVICE_MARKERS = {
    "sqlite_url": "sqlite",
    "postgres_url": "postgres",
    "migrated_postgres_url": "postgres",
    "fresh_postgres_url": "postgres",
    "redis_url": "redis",
}
_TESTS = Path(__file__).parent
_IN_MEMORY_FOLDERS = (_TESTS / "unit", _TESTS / "contexts")
_REAL_SERVICES = {"sqlite", "postgres", "redis"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by what it runs on: its services (``sqlite``, ``postgres``, ``redis``),
    or ``memory`` for the tests of ``tests/unit`` and the contexts' tests that need no service
    and no HTTP app (``test_http_*`` modules)."""
    for item in items:
        for fixture, marker in _SERVICE_MARKERS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)
        marks = {mark.name for mark in item.iter_markers()}
        if (
            "memory" not in marks
            and not marks & _REAL_SERVICES
            and any(item.path.is_relative_to(folder) for folder in _IN_MEMORY_FOLDERS)
            and not item.path.name.startswith("test_http")
        ):
            item.add_marker("memory")


def _unavailable(service: str, url: str, error: BaseException) -> NoReturn:
    message = f"{service} is not reachable at {_safe(url)} ({type(error).__name__}: {error})"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message}; ALORA_REQUIRE_SERVICES=1 requires it", pytrace=False)
    pytest.skip(message)


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("ALORA_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


# --- SQLite ------------------------------------------------------------------------------------


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A plain URL for a fresh (not yet created) SQLite file: ``sqlite:////tmp/.../alora.db``."""
    return f"sqlite:///{tmp_path / 'db' / 'alora.db'}"


# --- PostgreSQL --------------------------------------------------------------------------------


def _asyncpg_dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def _create_database(server: URL, prefix: str) -> URL:
    import asyncpg

    name = f"{prefix}_{secrets.token_hex(6)}"
    connection = await asyncpg.connect(_asyncpg_dsn(server), timeout=5)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return server.set(database=name)


async def _drop_database(server: URL, database: URL) -> None:
    import asyncpg

    connection = await asyncpg.connect(_asyncpg_dsn(server), timeout=5)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{database.database}" WITH (FORCE)')
    finally:
        await connection.close()


async def _plain_postgres_database(prefix: str) -> tuple[URL, URL]:
    import asyncpg

    server = make_url(POSTGRES_URL)
    try:
        database = await _create_database(server, prefix)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        _unavailable("PostgreSQL", POSTGRES_URL, exc)
    return server, database


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def postgres_url() -> AsyncIterator[str]:
    """Plain URL of a database created for this test session (``alora_test_<random>``).

    Shared by all tests of the session: create your tables and clean up your rows. Dropped at
    the end of the session; the database in ``ALORA_TEST_POSTGRES_URL`` is never written.
    """
    server, database = await _plain_postgres_database("alora_test")
    yield database.render_as_string(hide_password=False)
    await _drop_database(server, database)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def migrated_postgres_url(postgres_url: str) -> str:
    """``postgres_url``, migrated to the latest revision once per session."""
    await _upgrade(postgres_url)
    return postgres_url


@pytest_asyncio.fixture
async def fresh_postgres_url() -> AsyncIterator[str]:
    """Plain URL of an empty database of its own for one test (e.g. migrations); dropped after."""
    server, database = await _plain_postgres_database("alora_test_fresh")
    yield database.render_as_string(hide_password=False)
    await _drop_database(server, database)


# --- either database, migrated ----------------------------------------------------------------


@pytest.fixture(
    params=[
        pytest.param("sqlite", marks=pytest.mark.sqlite),
        pytest.param("postgres", marks=pytest.mark.postgres),
    ]
)
def _migratable_database_url(request: pytest.FixtureRequest) -> str:
    # Sync on purpose: the session-scoped PostgreSQL fixtures run on the session's event loop.
    url: str = request.getfixturevalue(
        "sqlite_url" if request.param == "sqlite" else "migrated_postgres_url"
    )
    return url


@pytest_asyncio.fixture
async def migrated_database_url(_migratable_database_url: str) -> str:
    """Plain URL of a database at the latest migration with empty tables, on SQLite and on
    PostgreSQL (the test is parametrized ``[sqlite]`` / ``[postgres]``).

    SQLite: a fresh file, migrated for this test. PostgreSQL: the session database (migrated
    once), every table emptied before the test; tests of a session run one at a time.
    """
    url = _migratable_database_url
    if url.startswith("sqlite"):
        await _upgrade(url)
    else:
        await empty_tables(url)
    return url


async def empty_tables(url: str) -> None:
    """Delete every row of every table the application defines, children first."""
    from sqlalchemy import pool

    from adapters.sqlalchemy.database import create_engine, import_tables
    from entrypoints.migrations import schema

    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.begin() as connection:  # DELETE beats TRUNCATE on a few rows
            for table in reversed(import_tables(schema().table_modules).sorted_tables):
                await connection.execute(table.delete())
    finally:
        await engine.dispose()


# --- backends --------------------------------------------------------------------------------


@pytest.fixture(
    params=[
        pytest.param("memory", marks=pytest.mark.memory),
        pytest.param("sqlite", marks=pytest.mark.sqlite),
        pytest.param("postgres", marks=pytest.mark.postgres),
    ]
)
def _backend_database(request: pytest.FixtureRequest) -> tuple[str, str | None]:
    # Sync on purpose, like ``_migratable_database_url``.
    if request.param == "memory":
        return "memory", None
    fixture = "sqlite_url" if request.param == "sqlite" else "migrated_postgres_url"
    url: str = request.getfixturevalue(fixture)
    return request.param, url


@pytest_asyncio.fixture
async def backend(
    _backend_database: tuple[str, str | None], tmp_path: Path
) -> AsyncIterator[Backend]:
    """Alora's three backends, each test once on each (see ``support.backends``): memory; a
    fresh SQLite file migrated for the test; the session's PostgreSQL database, emptied."""
    name, url = _backend_database
    if name == "sqlite":
        assert url is not None
        await _upgrade(url)
    elif name == "postgres":
        assert url is not None
        await empty_tables(url)
    found = Backend(name, url, tmp_path / "var")
    try:
        yield found
    finally:
        await found.close()


async def _upgrade(url: str) -> None:
    from entrypoints.migrations import upgrade

    await upgrade(url)


# --- Redis -------------------------------------------------------------------------------------


REDIS_DATABASES = range(1, 16)
"""Database numbers test runs take (0 is left to development)."""


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """URL of a Redis database of this test run's own, flushed when taken and when given back.

    Each run (each pytest-xdist worker) claims a free database number with a lock key in it
    (``SET NX``, expiring after three hours in case a run dies), so two runs never use, or
    flush, the same database.
    """
    import redis

    for number in REDIS_DATABASES:
        url = f"{REDIS_URL.rstrip('/')}/{number}"
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        try:
            if client.set(_REDIS_LOCK, os.getpid(), nx=True, ex=_REDIS_LOCK_SECONDS):
                break
        except redis.RedisError as exc:
            client.close()
            _unavailable("Redis", REDIS_URL, exc)
        client.close()
    else:
        pytest.fail(f"every Redis database {REDIS_DATABASES} is taken by another test run")
    try:
        _flush_but_lock(client)
        yield url
    finally:
        client.flushdb()
        client.close()


_REDIS_LOCK = "alora-test-run"
_REDIS_LOCK_SECONDS = 3 * 3600


def _flush_but_lock(client: Any) -> None:
    for key in client.scan_iter(count=1000):
        if key != _REDIS_LOCK.encode():
            client.delete(key)
