"""The registry's schema for the migrations: every module's table modules, and the branch of
each module that keeps its own migrations (``ContextModule.migrations``).

``upgrade`` migrates a database to the latest revision of every branch (``alora db upgrade``);
``revision`` writes a new migration for one context (``alora db revision``).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Sequence
from pathlib import Path

from adapters.sqlalchemy import migrate
from adapters.sqlalchemy.migrate import Schema
from entrypoints.modules import MODULES, ContextModule

__all__ = ["heads", "reached", "revision", "schema", "upgrade", "upgrade_sync"]


def schema(modules: Sequence[ContextModule] = MODULES) -> Schema:
    return Schema(
        table_modules=tuple(name for module in modules for name in module.tables),
        branches={
            module.name: _folder(module.migrations)
            for module in modules
            if module.migrations is not None
        },
    )


def _folder(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise LookupError(f"the migrations package {package!r} does not exist")
    return Path(next(iter(spec.submodule_search_locations)))


async def upgrade(url: str, revision: str = "heads") -> tuple[str, ...]:
    return await migrate.upgrade(url, schema(), revision)


def upgrade_sync(url: str, revision: str = "heads") -> tuple[str, ...]:
    return migrate.upgrade_sync(url, schema(), revision)


def heads() -> set[str]:
    return migrate.heads(schema())


def reached(current: Iterable[str]) -> set[str]:
    return migrate.reached(schema(), current)


async def revision(url: str, message: str, context: str | None) -> list[Path]:
    """A new migration for ``context`` (a module with its own ``migrations``), or for the
    platform's chain (None)."""
    found = schema()
    if context is not None and context not in found.branches:
        known = ", ".join(sorted(found.branches)) or "none"
        raise LookupError(
            f"{context!r} keeps no migrations of its own (set its module's `migrations`); "
            f"contexts that do: {known}"
        )
    return await migrate.revision(url, found, message, context)
