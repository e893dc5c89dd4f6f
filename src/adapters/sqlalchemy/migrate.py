"""Alembic migrations, run through the async engine (``connection.run_sync``).

The configuration is built in code from a ``Schema``: the modules that define the tables and
the folders of each context's own branch of migrations, beside the platform's chain in
``migrations/versions``. The composition root makes the schema from its registry
(``entrypoints.migrations``); ``alora db upgrade`` and ``alora db revision`` run these.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from alembic import command
from alembic import util as alembic_util
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from attrs import field, frozen
from sqlalchemy import event, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.database import create_engine, import_tables

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
PLATFORM_VERSIONS = MIGRATIONS_DIR / "versions"
FILE_TEMPLATE = "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s"

__all__ = [
    "Schema",
    "alembic_config",
    "heads",
    "migration_engine",
    "reached",
    "revision",
    "upgrade",
]


@frozen
class Schema:
    """What the migrations need to know of the application."""

    table_modules: tuple[str, ...]
    """The modules that define tables on ``database.metadata``."""
    branches: Mapping[str, Path] = field(factory=dict)
    """Each context's own branch of migrations: its label and the folder of its versions."""


def alembic_config(schema: Schema) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", FILE_TEMPLATE)
    config.set_main_option("path_separator", "os")
    locations = [PLATFORM_VERSIONS, *schema.branches.values()]
    config.set_main_option("version_locations", os.pathsep.join(str(path) for path in locations))
    config.attributes["metadata"] = import_tables(schema.table_modules)
    return config


def heads(schema: Schema) -> set[str]:
    """The heads of the migrations: a fully migrated database has run each of them (it records
    fewer when a branch's first revision depends on the platform's head)."""
    return set(ScriptDirectory.from_config(alembic_config(schema)).get_heads())


def reached(schema: Schema, current: Iterable[str]) -> set[str]:
    """The revisions a database at ``current`` (what ``upgrade`` returns) has run: those, and
    every one they follow or depend on. It is fully migrated when they include every head."""
    script = ScriptDirectory.from_config(alembic_config(schema))
    found: set[str] = set()
    waiting = list(current)
    while waiting:
        revision = script.get_revision(waiting.pop())
        if revision is None or revision.revision in found:
            continue
        found.add(revision.revision)
        waiting += alembic_util.to_tuple(revision.down_revision, default=())
        waiting += alembic_util.to_tuple(revision.dependencies, default=())
    return found


def _outermost_heads(schema: Schema) -> set[str]:
    """The heads no other head follows or depends on: what a new branch depends on. Naming a
    head another one already stands for too would make Alembic remove its version row twice."""
    found = heads(schema)
    under = {below for head in found for below in reached(schema, [head]) - {head}}
    return found - under


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


async def _run(url: str, work: Any) -> Any:
    engine = migration_engine(url)
    try:
        async with engine.begin() as connection:
            return await connection.run_sync(work)
    finally:
        await engine.dispose()


async def upgrade(url: str, schema: Schema, revision: str = "heads") -> tuple[str, ...]:
    """Migrate the database at ``url`` (plain or async URL) to ``revision``, in one transaction.

    Returns the revisions the database is at afterwards (empty while there are none).
    """

    def work(connection: Connection) -> tuple[str, ...]:
        config = alembic_config(schema)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        return tuple(MigrationContext.configure(connection).get_current_heads())

    result: tuple[str, ...] = await _run(url, work)
    return result


def upgrade_sync(url: str, schema: Schema, revision: str = "heads") -> tuple[str, ...]:
    """``upgrade`` for synchronous callers (not from inside a running event loop)."""
    return asyncio.run(upgrade(url, schema, revision))


async def revision(url: str, schema: Schema, message: str, branch: str | None) -> list[Path]:
    """Write a new migration, autogenerated by comparing the tables with the database at
    ``url`` (which must be migrated to its heads first): on ``branch`` (a context's, started
    when it has no revision yet) or, with None, on the platform's chain. The files written."""
    config = alembic_config(schema)
    script = ScriptDirectory.from_config(config)
    labels = {label for rev in script.walk_revisions() for label in rev.branch_labels}
    options: dict[str, Any]
    if branch is None:
        options = {"head": _platform_head(script)}
    elif branch in labels:
        options = {"head": f"{branch}@head"}
    else:  # the context's first migration starts its branch, after what exists now
        options = {
            "head": "base",
            "branch_label": branch,
            "version_path": str(schema.branches[branch]),
            "depends_on": sorted(_outermost_heads(schema)) or None,
        }
    if importlib.util.find_spec("ruff") is not None:  # a developer's environment
        _format_with_ruff(config)

    def work(connection: Connection) -> list[Path]:
        config.attributes["connection"] = connection
        made = command.revision(config, message=message, autogenerate=True, **options)
        scripts = made if isinstance(made, list) else [made]
        return [Path(s.path) for s in scripts if s is not None]

    result: list[Path] = await _run(url, work)
    return result


def _format_with_ruff(config: Config) -> None:
    """Lint and format a new migration with the project's ruff, as the code is."""
    config.set_section_option("post_write_hooks", "hooks", "ruff_format, ruff_fix")
    for hook, options in (("ruff_fix", "check --fix --quiet"), ("ruff_format", "format --quiet")):
        config.set_section_option("post_write_hooks", f"{hook}.type", "module")
        config.set_section_option("post_write_hooks", f"{hook}.module", "ruff")
        config.set_section_option(
            "post_write_hooks", f"{hook}.options", f"{options} REVISION_SCRIPT_FILENAME"
        )


def _platform_head(script: ScriptDirectory) -> str:
    """The head of the platform's chain (the one revision in its folder no other follows)."""
    for head in script.get_heads():
        if Path(script.get_revision(head).path).parent == PLATFORM_VERSIONS:
            return head
    raise LookupError("the platform's chain of migrations has no head")
