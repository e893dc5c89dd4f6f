"""Identity's tables: the migrations down to nothing and back (on a database of the test's own),
the constraints of the migrated tables (``engine`` of ``conftest.py``), and a column for every
field of the model."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.look_alikes import IcuLookAlikes
from adapters.sqlalchemy.audit import audit_log_table
from adapters.sqlalchemy.identity.tables import (
    codes_table,
    refresh_tokens_table,
    sessions_table,
    users_table,
)
from adapters.sqlalchemy.migrate import alembic_config, migration_engine
from alora_core.identity.model import OneTimeCode, Role, Session, User, UserSettings
from alora_core.shared.audit import AuditEntry
from entrypoints.migrations import heads, reached, schema, upgrade


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

    assert heads() <= reached(await upgrade(url))
    engine = migration_engine(url)
    try:
        async with engine.begin() as connection:
            assert await connection.run_sync(downgrade_to_base) == ["alembic_version"]
    finally:
        await engine.dispose()
    assert heads() <= reached(await upgrade(url))


async def test_the_tables_have_the_expected_constraints(engine: AsyncEngine) -> None:
    def inspect_schema(connection: Connection) -> dict[str, Any]:
        inspector = inspect(connection)
        return {
            "unique": sorted(
                c["column_names"][0] for c in inspector.get_unique_constraints("users")
            ),
            "unique_indexes": sorted(
                i["column_names"][0]
                for i in inspector.get_indexes("users")
                if i["unique"] and i["name"].startswith("ix_")
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
    assert schema["unique_indexes"] == ["email_skeleton", "username_skeleton"]
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


_USERS_BEFORE_SKELETONS = sa.table(
    "users",
    *(
        sa.column(column.name, column.type)
        for column in users_table.c
        if not column.name.endswith("_skeleton")
    ),
)


def _user_row(username: str, email: str, minute: int) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "full_name": username.title(),
        "username": username,
        "email": email,
        "phone": None,
        "password_hash": "not a real hash",
        "role": Role.CUSTOMER,
        "created_at": datetime(2026, 1, 1, 12, minute, tzinfo=UTC),
        "bio": "",
        "social_links": {},
        "settings": UserSettings(),
        "version": 1,
    }


async def test_the_skeleton_migration_normalizes_and_backfills_oldest_first(
    empty_database_url: str,
) -> None:
    """Accounts from before skeletons: the oldest of look-alikes keeps the skeleton, a later
    one keeps its identifiers without; emails move to today's normal form where it is free."""
    url = empty_database_url
    await upgrade(url, "0012_search")
    rows = [
        _user_row("ada", "ada@example.com", 0),
        _user_row("\u0430\u0501\u0430", "\u0430\u0501\u0430@example.com", 1),  # Cyrillic
        _user_row("stra\u00dfe", "stra\u00dfe@example.com", 2),  # folds to "strasse"
        _user_row("keeps", "\uff4b@example.com", 3),  # fullwidth k: folds to a taken address
        _user_row("k", "k@example.com", 4),
    ]
    engine = migration_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(sa.insert(_USERS_BEFORE_SKELETONS), rows)
        assert heads() <= reached(await upgrade(url))
        async with engine.connect() as connection:
            found = await connection.execute(
                sa.select(
                    users_table.c.username,
                    users_table.c.email,
                    users_table.c.username_skeleton,
                    users_table.c.email_skeleton,
                ).order_by(users_table.c.created_at)
            )
            after = [tuple(row) for row in found]
    finally:
        await engine.dispose()
    skeleton = IcuLookAlikes().skeleton
    assert after == [
        ("ada", "ada@example.com", "ada", skeleton("ada@example.com")),
        ("\u0430\u0501\u0430", "\u0430\u0501\u0430@example.com", None, None),
        ("strasse", "strasse@example.com", "strasse", skeleton("strasse@example.com")),
        ("keeps", "\uff4b@example.com", "keeps", skeleton("k@example.com")),
        ("k", "k@example.com", "k", None),
    ]
