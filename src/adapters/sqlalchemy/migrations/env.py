"""Alembic environment for Alora.

Run through ``adapters.sqlalchemy.migrate`` (``alora db upgrade``, ``alora db revision``),
which hands over the application's tables in ``config.attributes["metadata"]`` and an open
connection of the async engine in ``config.attributes["connection"]``.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

from adapters.sqlalchemy.database import include_name

config = context.config
target_metadata = config.attributes["metadata"]


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


_connection: Connection | None = config.attributes.get("connection")
if _connection is None:
    raise RuntimeError("run migrations through `alora db upgrade` or `alora db revision`")
run_migrations(_connection)
