"""Alembic environment for Alora.

Run through ``adapters.sqlalchemy.migrate`` (``alora db upgrade``), which hands over an open
connection of the async engine in ``config.attributes["connection"]``. Run through the
``alembic`` command (developers, see ``alembic.ini``) it opens its own async engine on
``-x url=...``, else ``sqlalchemy.url`` from the ini file, else ``$ALORA_DATABASE_URL``, else
the embedded SQLite database ``$ALORA_VAR_DIR/alora.db``.
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

from adapters.sqlalchemy.database import async_url, import_all_tables, include_name
from adapters.sqlalchemy.migrate import migration_engine

config = context.config
target_metadata = import_all_tables()


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url")
    url = url or config.get_main_option("sqlalchemy.url") or os.environ.get("ALORA_DATABASE_URL")
    return url or f"sqlite:///{os.environ.get('ALORA_VAR_DIR', 'var')}/alora.db"


def _render_item(kind: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    # Our own column types (TypeDecorators) render as ``adapters.x.y.Type()``: import the module.
    if kind == "type" and not type(obj).__module__.startswith("sqlalchemy."):
        autogen_context.imports.add(f"import {type(obj).__module__}")
    return False


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            # migration_engine turns foreign keys off on SQLite; check them before committing.
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"migration left rows violating foreign keys: {problems[:5]}")


async def _run_with_own_engine() -> None:
    engine = migration_engine(_url())
    try:
        async with engine.begin() as connection:
            await connection.run_sync(run_migrations)
    finally:
        await engine.dispose()


def _run_offline() -> None:
    url = async_url(_url())
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


_connection: Connection | None = config.attributes.get("connection")
if context.is_offline_mode():
    _run_offline()
elif _connection is not None:
    run_migrations(_connection)
else:
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    asyncio.run(_run_with_own_engine())
