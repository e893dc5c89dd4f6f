"""Engine, URL and migration plumbing (adapters.sqlalchemy.database / migrate, and the
registry's schema in entrypoints.migrations)."""

from __future__ import annotations

import asyncio
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import util as alembic_util
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Integer, MetaData, String, Table, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.schema import CreateTable

from adapters.sqlalchemy import migrate
from adapters.sqlalchemy.database import (
    NAMING_CONVENTION,
    async_url,
    create_engine,
    import_tables,
    include_name,
    metadata,
    ping,
)
from entrypoints.migrations import heads, reached, schema, upgrade, upgrade_sync
from entrypoints.migrations import revision as context_revision
from entrypoints.modules import MODULES, ContextModule

# --- URLs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///var/alora.db", "sqlite+aiosqlite:///var/alora.db"),
        ("sqlite:////abs/path.db", "sqlite+aiosqlite:////abs/path.db"),
        ("sqlite:///:memory:", "sqlite+aiosqlite:///:memory:"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql://u@h:5432/db", "postgresql+asyncpg://u@h:5432/db"),
        ("postgres://u:p%40ss@h/db?ssl=require", "postgresql+asyncpg://u:p%40ss@h/db?ssl=require"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        (" sqlite:///var/alora.db\n", "sqlite+aiosqlite:///var/alora.db"),
    ],
)
def test_async_url_picks_the_async_driver(given: str, expected: str) -> None:
    assert async_url(given) == expected
    assert make_url(async_url(given)).database == make_url(expected).database


@pytest.mark.parametrize(
    ("given", "complaint"),
    [
        ("", "cannot parse"),
        ("var/alora.db", "cannot parse"),
        ("mysql://u@h/db", "unsupported database 'mysql'"),
        ("sqlite+pysqlite:///x.db", "unsupported driver 'pysqlite'"),
        ("postgresql+psycopg2://u@h/db", "unsupported driver 'psycopg2'"),
    ],
)
def test_async_url_rejects_what_we_cannot_run(given: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        async_url(given)


def test_error_messages_hide_the_password() -> None:
    with pytest.raises(ValueError, match="unsupported driver") as caught:
        async_url("postgresql+psycopg2://user:hunter2@h/db")
    assert "hunter2" not in str(caught.value)


# --- metadata ----------------------------------------------------------------------------------


def test_naming_convention_makes_constraint_names_predictable() -> None:
    assert metadata.naming_convention["uq"] == "uq_%(table_name)s_%(column_0_name)s"
    scratch = MetaData(naming_convention=NAMING_CONVENTION)
    table = Table(
        "people",
        scratch,
        Column("id", Integer, primary_key=True),
        Column("email", String(100), unique=True),
    )
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        ddl = str(CreateTable(table).compile(dialect=dialect))
        assert "CONSTRAINT pk_people PRIMARY KEY" in ddl
        assert "CONSTRAINT uq_people_email UNIQUE" in ddl


def test_import_tables_returns_the_shared_metadata() -> None:
    assert import_tables(schema().table_modules) is metadata


def test_the_schema_lists_every_modules_table_modules() -> None:
    table_modules = schema().table_modules
    assert table_modules == tuple(name for module in MODULES for name in module.tables)
    assert "adapters.sqlalchemy.identity.tables" in table_modules
    assert len(set(table_modules)) == len(table_modules)


def test_a_table_module_that_cannot_be_imported_is_an_error() -> None:
    with pytest.raises(LookupError, match="no_such_tables"):
        import_tables(["adapters.sqlalchemy.no_such_tables"])


# --- SQLite ------------------------------------------------------------------------------------


@pytest.fixture
async def sqlite_engine(sqlite_url: str) -> Any:
    engine = create_engine(sqlite_url)
    yield engine
    await engine.dispose()


def test_sqlite_engine_creates_the_folder_of_its_file(sqlite_url: str) -> None:
    folder = Path(make_url(sqlite_url).database or "").parent
    assert not folder.exists()
    create_engine(sqlite_url)
    assert folder.is_dir()


async def test_sqlite_pragmas_are_set_on_every_connection(sqlite_engine: AsyncEngine) -> None:
    expected = {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000, "synchronous": 1}
    # Two transactions open at once in one task: only possible if neither is a writer
    # (BEGIN IMMEDIATE would wait for the other to finish: a deadlock until busy_timeout).
    readers = sqlite_engine.execution_options(sqlite_begin="DEFERRED")
    async with readers.connect() as first, readers.connect() as second:
        for connection in (first, second):
            for pragma, value in expected.items():
                result = await connection.exec_driver_sql(f"PRAGMA {pragma}")
                assert result.scalar_one() == value, pragma


async def test_sqlite_transactions_begin_immediate(sqlite_engine: AsyncEngine) -> None:
    statements: list[str] = []

    @event.listens_for(sqlite_engine.sync_engine, "before_cursor_execute")
    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    async with sqlite_engine.begin() as connection:
        await connection.execute(text("SELECT 1"))
    await ping(sqlite_engine)
    assert statements == ["BEGIN IMMEDIATE", "SELECT 1", "BEGIN DEFERRED", "SELECT 1"]


async def _counter_table(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.exec_driver_sql("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INT)")
        await connection.exec_driver_sql("CREATE TABLE entries (id INTEGER PRIMARY KEY, n INT)")
        await connection.exec_driver_sql("INSERT INTO counter (id, n) VALUES (1, 0)")


async def _read_then_write(engine: AsyncEngine, pause: Any) -> None:
    async with engine.begin() as connection:
        n = (await connection.execute(text("SELECT n FROM counter WHERE id = 1"))).scalar_one()
        await pause()
        await connection.execute(text("INSERT INTO entries (n) VALUES (:n)"), {"n": n + 1})
        await connection.execute(text("UPDATE counter SET n = :n WHERE id = 1"), {"n": n + 1})


async def test_twenty_concurrent_read_then_write_transactions_all_succeed(
    sqlite_engine: AsyncEngine,
) -> None:
    await _counter_table(sqlite_engine)

    async def pause() -> None:
        await asyncio.sleep(0.002)

    results = await asyncio.gather(
        *(_read_then_write(sqlite_engine, pause) for _ in range(20)), return_exceptions=True
    )

    assert [r for r in results if r is not None] == []
    async with sqlite_engine.connect() as connection:
        assert (await connection.execute(text("SELECT n FROM counter"))).scalar_one() == 20
        entries = (await connection.execute(text("SELECT n FROM entries ORDER BY n"))).scalars()
        assert list(entries) == list(range(1, 21))  # serialized: no lost update


async def test_deferred_begin_would_fail_under_the_same_load(sqlite_url: str) -> None:
    """Control for the test above: with SQLite's default deferred BEGIN, writers collide."""
    engine = create_engine(sqlite_url).execution_options(sqlite_begin="DEFERRED")
    try:
        await _counter_table(engine)
        barrier = asyncio.Barrier(5)  # every transaction has read before any writes

        async def pause() -> None:
            await barrier.wait()

        results = await asyncio.gather(
            *(_read_then_write(engine, pause) for _ in range(5)), return_exceptions=True
        )
    finally:
        await engine.dispose()
    failures = [r for r in results if r is not None]
    assert failures
    assert all(isinstance(f, OperationalError) and "locked" in str(f) for f in failures)


async def test_sqlite_enforces_foreign_keys(sqlite_engine: AsyncEngine) -> None:
    async with sqlite_engine.begin() as connection:
        await connection.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        await connection.exec_driver_sql(
            "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INT REFERENCES parent (id))"
        )
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        async with sqlite_engine.begin() as connection:
            await connection.exec_driver_sql("INSERT INTO child (parent_id) VALUES (42)")


# --- PostgreSQL --------------------------------------------------------------------------------


async def test_postgres_engine(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    try:
        assert engine.dialect.driver == "asyncpg"
        assert engine.pool._recycle == 1800  # type: ignore[attr-defined]
        await ping(engine)
        async with engine.connect() as connection:
            name = (await connection.execute(text("SELECT current_database()"))).scalar_one()
        assert name == make_url(postgres_url).database
        assert name.startswith("alora_test_")
    finally:
        await engine.dispose()


async def test_postgres_unique_violation_names_the_constraint(postgres_url: str) -> None:
    """The identity adapter maps ``uq_<table>_<column>`` in the error to the duplicated field."""
    scratch = MetaData(naming_convention=NAMING_CONVENTION)
    table = Table(
        "scratch_people",
        scratch,
        Column("id", Integer, primary_key=True),
        Column("email", String(100), unique=True),
    )
    engine = create_engine(postgres_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(scratch.create_all)
        with pytest.raises(IntegrityError, match="uq_scratch_people_email"):
            async with engine.begin() as connection:
                await connection.execute(table.insert(), [{"email": "a@x"}, {"email": "a@x"}])
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(scratch.drop_all)
        await engine.dispose()


# --- migrations --------------------------------------------------------------------------------


def test_the_heads_are_those_of_the_migrations_folders() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config(schema()))
    assert heads() == set(script.get_heads())
    assert heads()


async def test_migrate_an_empty_sqlite_file_to_head(sqlite_url: str) -> None:
    current = await upgrade(sqlite_url)
    assert heads() <= reached(current)
    assert await upgrade(sqlite_url) == current  # again: nothing to do


def test_migrate_sync_from_plain_code(sqlite_url: str) -> None:
    assert heads() <= reached(upgrade_sync(sqlite_url))


async def test_migrate_an_empty_postgres_database_to_head(fresh_postgres_url: str) -> None:
    current = await upgrade(fresh_postgres_url)
    assert heads() <= reached(current)
    assert await upgrade(fresh_postgres_url) == current


async def _differences_from_the_tables(url: str) -> list[Any]:
    engine = create_engine(url)

    def compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        with warnings.catch_warnings():
            # SQLite cannot reflect indexes on expressions (``lower(title)``), so they are not
            # compared there; PostgreSQL compares them.
            warnings.filterwarnings("ignore", ".*expression-based index", category=Warning)
            return list(compare_metadata(context, import_tables(schema().table_modules)))

    try:
        async with engine.connect() as connection:
            return await connection.run_sync(compare)
    finally:
        await engine.dispose()


def _drift(differences: list[Any]) -> str:
    def describe(difference: Any) -> str:
        if isinstance(difference, list):
            return "; ".join(describe(item) for item in difference)
        operation, *subjects = difference
        names = [str(getattr(s, "name", s)) for s in subjects if s is not None]
        return f"{operation} {' '.join(names[:3])}"

    return (
        "the tables defined in code and the schema the migrations build disagree; write a "
        "migration (alora db revision -m ..., with --context for a context's own branch): "
        + ", ".join(describe(d) for d in differences)
    )


async def test_migrations_build_the_tables_defined_in_code_on_sqlite(sqlite_url: str) -> None:
    await upgrade(sqlite_url)
    differences = await _differences_from_the_tables(sqlite_url)
    assert differences == [], _drift(differences)


async def test_migrations_build_the_tables_defined_in_code_on_postgres(
    fresh_postgres_url: str,
) -> None:
    await upgrade(fresh_postgres_url)
    differences = await _differences_from_the_tables(fresh_postgres_url)
    assert differences == [], _drift(differences)


# --- a context's own branch of migrations --------------------------------------------------------

SCRATCH_TABLES = """
from sqlalchemy import Column, String, Table, Uuid

from adapters.sqlalchemy.database import metadata

notes = Table(
    "scratch_notes",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("text", String(200), nullable=False),
)
"""


RUFF_STAND_IN = """
import sys
from pathlib import Path

with Path(__file__).with_name("calls.txt").open("a") as calls:
    calls.write(" ".join(sys.argv[1:]) + "\\n")
"""


@pytest.fixture
def ruff_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for ruff, which a new revision is handed to (the tests' environment has no
    ruff); the file its calls are written to."""
    tools = tmp_path / "tools"
    (tools / "ruff").mkdir(parents=True)
    (tools / "ruff" / "__init__.py").write_text("")
    (tools / "ruff" / "__main__.py").write_text(RUFF_STAND_IN)
    monkeypatch.syspath_prepend(str(tools))
    monkeypatch.setenv("PYTHONPATH", str(tools))
    return tools / "ruff" / "calls.txt"


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ContextModule]:
    """A throwaway context with one table and a package of its own for its migrations, both in
    ``tmp_path``; its table leaves the shared metadata afterwards."""
    (tmp_path / "scratch_tables.py").write_text(SCRATCH_TABLES)
    (tmp_path / "scratch_migrations").mkdir()
    (tmp_path / "scratch_migrations" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        yield ContextModule(
            name="scratch",
            sql_unit_of_work="scratch:Unused",
            memory_unit_of_work="scratch:Unused",
            commands=lambda _wiring: {},
            tables=("scratch_tables",),
            migrations="scratch_migrations",
        )
    finally:
        table = metadata.tables.get("scratch_notes")
        if table is not None:
            metadata.remove(table)
        for name in ("scratch_tables", "scratch_migrations", "ruff"):
            sys.modules.pop(name, None)


# SQLite cannot reflect indexes on expressions; autogenerate warns and leaves them be.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
async def test_a_contexts_first_revision_starts_its_branch_and_upgrade_reaches_both_heads(
    sqlite_url: str, scratch: ContextModule, ruff_calls: Path, tmp_path: Path
) -> None:
    platform = heads()
    await upgrade(sqlite_url)
    with_scratch = schema([*MODULES, scratch])
    assert with_scratch.branches["scratch"] == tmp_path / "scratch_migrations"

    [written] = await migrate.revision(sqlite_url, with_scratch, "scratch notes", "scratch")

    assert written.parent == tmp_path / "scratch_migrations"
    assert "scratch_notes" in _text(written)
    assert _text(ruff_calls).splitlines() == [
        f"format --quiet {written}",
        f"check --fix --quiet {written}",
    ]
    script = ScriptDirectory.from_config(migrate.alembic_config(with_scratch))
    [started] = set(script.get_heads()) - platform
    first = script.get_revision(started)
    assert first.branch_labels == {"scratch"}
    assert first.down_revision is None  # a branch of its own, from the base
    # After every head, naming only those no other head already stands for.
    dependencies = set(alembic_util.to_tuple(first.dependencies))
    assert dependencies <= platform
    assert migrate.reached(with_scratch, dependencies) >= platform
    assert migrate.heads(with_scratch) == platform | {started}

    current = await migrate.upgrade(sqlite_url, with_scratch)
    # The version table keeps the branch's head only: it stands for the platform's head too,
    # which it depends on.
    assert set(current) <= platform | {started}
    assert migrate.reached(with_scratch, current) >= platform | {started}
    assert await migrate.upgrade(sqlite_url, with_scratch) == current  # nothing left to do
    engine = create_engine(sqlite_url)
    try:
        async with engine.connect() as connection:
            found = await connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE name = 'scratch_notes'"
            )
            assert found.scalar_one_or_none() == "scratch_notes"
    finally:
        await engine.dispose()
    differences = await _differences_from_the_tables(sqlite_url)
    assert differences == [], _drift(differences)


def _text(path: Path) -> str:
    return path.read_text()


async def test_a_revision_for_a_context_without_migrations_of_its_own_is_refused(
    sqlite_url: str,
) -> None:
    await upgrade(sqlite_url)
    with pytest.raises(LookupError, match="'content' keeps no migrations of its own"):
        await context_revision(sqlite_url, "tags", "content")
