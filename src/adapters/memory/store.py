"""The committed state of the in-memory adapter: each context's tables, and the outbox.

A ``MemoryStore`` starts empty. Each context's unit of work registers its tables on it
(``MemoryUnitOfWork.register``): names, unique columns and the references that cascade or
are cleared when the row they name is deleted, as the SQL schema's foreign keys do.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from attrs import define, field, frozen

from alora_core.shared.jobs import DeadJob

if TYPE_CHECKING:
    from adapters.memory.jobs import OutboxRow

__all__ = ["MemoryStore", "Reference", "Table", "TableSpec"]


@frozen
class Reference:
    """``column`` names a row of ``parent``; deleting that row deletes this one (cascade) or
    sets ``clears`` (default: the column itself) to None."""

    column: str
    parent: str
    on_delete: Literal["cascade", "set null"] = "cascade"
    clears: tuple[str, ...] = ()


@frozen
class TableSpec:
    name: str
    unique: tuple[str, ...] = ()
    """Columns whose values must be unique (None never clashes)."""
    references: tuple[Reference, ...] = ()


@define
class Table:
    """Rows by id, with the columns that must be unique."""

    unique: tuple[str, ...] = ()
    rows: dict[uuid.UUID, Any] = field(factory=dict)


@define
class MemoryStore:
    tables: dict[str, Table] = field(factory=dict)
    children: dict[str, list[tuple[str, Reference]]] = field(factory=dict)
    """For each table, the tables whose rows name its rows."""
    indexes: dict[str, dict[Any, Any]] = field(factory=dict)
    """Lookups that are no table of rows by id (e.g. refresh-token hashes to sessions)."""
    after_delete: list[Callable[[MemoryStore], None]] = field(factory=list)
    """Run after a commit that deleted rows (e.g. to drop index entries of deleted rows)."""
    outbox: dict[uuid.UUID, OutboxRow] = field(factory=dict)
    handled_events: set[tuple[str, uuid.UUID]] = field(factory=set)
    dead_jobs: dict[uuid.UUID, DeadJob] = field(factory=dict)
    _specs: dict[str, TableSpec] = field(factory=dict)

    def register(self, *specs: TableSpec) -> None:
        """Add these tables; registering the same spec again does nothing."""
        for spec in specs:
            known = self._specs.get(spec.name)
            if known is not None:
                if known != spec:
                    raise ValueError(f"table {spec.name!r} is registered with another shape")
                continue
            self._specs[spec.name] = spec
            self.tables[spec.name] = Table(unique=spec.unique)
            for reference in spec.references:
                self.children.setdefault(reference.parent, []).append((spec.name, reference))

    def table(self, name: str) -> Table:
        try:
            return self.tables[name]
        except KeyError:
            raise KeyError(
                f"no table {name!r} in the memory store: register its context's unit of work"
            ) from None

    def rows(self, name: str) -> dict[uuid.UUID, Any]:
        return self.table(name).rows

    def index(self, name: str) -> dict[Any, Any]:
        return self.indexes.setdefault(name, {})

    def delete(self, table: str, row_id: uuid.UUID) -> None:
        """Delete a row and, as the database's foreign keys would, what depends on it."""
        if self.table(table).rows.pop(row_id, None) is None:
            return
        for child, reference in self.children.get(table, ()):
            rows = self.rows(child)
            named = [i for i, row in rows.items() if getattr(row, reference.column) == row_id]
            for child_id in named:
                if reference.on_delete == "cascade":
                    self.delete(child, child_id)
                else:
                    for column in reference.clears or (reference.column,):
                        setattr(rows[child_id], column, None)
