"""Identity's tables: the migrations down to nothing and back (on a database of the test's own),
the constraints of the migrated tables (``engine`` of ``conftest.py``), and a column for every
field of the model."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from alembic import command
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.audit import audit_log_table
from adapters.sqlalchemy.identity.tables import (
    codes_table,
    refresh_tokens_table,
    sessions_table,
    users_table,
)
from adapters.sqlalchemy.migrate import alembic_config, migration_engine
from alora_core.identity.model import OneTimeCode, Session, User
from alora_core.shared.audit import AuditEntry
from entrypoints.migrations import heads, schema, upgrade


@pytest.fixture(
    params=["sqlite_url", pytest.param("fresh_postgres_url", marks=pytest.mark.postgres)]
)
def empty_database_url(request: pytest.FixtureRequest) -> str:
    """A database of its own (not the shared PostgreSQL one), to migrate down and up."""
    url: str = request.getfixturevalue(request.param)
    return url


async def test_the_migration_downgrades_to_nothing_and_back(empty_database_url: str) -> None:
    url = empty_database_url

    def downgrade_to_base(connection: Connection) -> list[str]:
        config = alembic_config(schema())
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
        return sorted(inspect(connection).get_table_names())

    assert set(await upgrade(url)) == heads()
    engine = migration_engine(url)
    try:
        async with engine.begin() as connection:
            assert await connection.run_sync(downgrade_to_base) == ["alembic_version"]
    finally:
        await engine.dispose()
    assert set(await upgrade(url)) == heads()


async def test_the_tables_have_the_expected_constraints(engine: AsyncEngine) -> None:
    def inspect_schema(connection: Connection) -> dict[str, Any]:
        inspector = inspect(connection)
        return {
            "unique": sorted(
                c["column_names"][0] for c in inspector.get_unique_constraints("users")
            ),
            "cascades": sorted(
                (table, fk["options"].get("ondelete"))
                for table in ("sessions", "one_time_codes", "refresh_tokens")
                for fk in inspector.get_foreign_keys(table)
            ),
        }

    async with engine.connect() as connection:
        schema = await connection.run_sync(inspect_schema)
    assert schema["unique"] == ["email", "phone", "username"]
    assert schema["cascades"] == [
        ("one_time_codes", "CASCADE"),
        ("refresh_tokens", "CASCADE"),
        ("sessions", "CASCADE"),
    ]


def test_every_attrs_field_is_a_column() -> None:
    for cls, table in [
        (User, users_table),
        (Session, sessions_table),
        (OneTimeCode, codes_table),
        (AuditEntry, audit_log_table),
    ]:
        assert {f.name for f in attrs.fields(cls)} == set(table.c.keys()), cls
    assert set(refresh_tokens_table.c.keys()) == {"token_hash", "session_id", "created_at"}
