"""Alembic migrations, run through the async engine (``connection.run_sync``).

No ``alembic.ini`` is needed at runtime: ``alembic_config`` builds the configuration in code.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.database import create_engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
FILE_TEMPLATE = "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s"


def alembic_config() -> Config:
    """The Alembic configuration, built in code (``alembic.ini`` mirrors it for developers)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", FILE_TEMPLATE)
    config.set_main_option("path_separator", "os")
    return config


def migration_engine(url: str) -> AsyncEngine:
    engine = create_engine(url, poolclass=pool.NullPool)
    if engine.dialect.name == "sqlite":
        # Batch migrations rebuild tables; with foreign keys enforced that would cascade or
        # fail. SQLite ignores this pragma inside a transaction, so set it per connection;
        # ``env.py`` runs ``PRAGMA foreign_key_check`` before committing instead.
        @event.listens_for(engine.sync_engine, "connect")
        def _foreign_keys_off(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=OFF")
            cursor.close()

    return engine


def _upgrade(connection: Connection, revision: str) -> tuple[str, ...]:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
    return tuple(MigrationContext.configure(connection).get_current_heads())


async def upgrade(url: str, revision: str = "head") -> tuple[str, ...]:
    """Migrate the database at ``url`` (plain or async URL) to ``revision``, in one transaction.

    Returns the revisions the database is at afterwards (empty while there are none).
    """
    engine = migration_engine(url)
    try:
        async with engine.begin() as connection:
            return await connection.run_sync(_upgrade, revision)
    finally:
        await engine.dispose()


def upgrade_sync(url: str, revision: str = "head") -> tuple[str, ...]:
    """``upgrade`` for synchronous callers (not from inside a running event loop)."""
    return asyncio.run(upgrade(url, revision))
