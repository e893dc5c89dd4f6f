"""The in-memory unit of work: a faithful fake of the SQLAlchemy one, for tests and embedding.

Committed state lives in a ``MemoryStore``. A unit of work hands out copies, tracks what it loaded,
added and deleted, and on commit checks what the database would check (unique columns, optimistic
version counters) before writing everything back at once. Commit has no ``await`` inside, so it is
atomic under asyncio.

This base class is every context's: the audit log and the job records. A context's unit of work
subclasses it, declares its repositories (``adapters.repository``) and its ``tables``, which
``register`` adds to a store.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, ClassVar, Self

from attrs import define

from adapters.memory.audit import MemoryAuditLog
from adapters.memory.jobs import MemoryJobRecords, add_to_outbox
from adapters.memory.store import MemoryStore, TableSpec
from adapters.repository import built_repositories, repository
from alora_core.shared.errors import Conflict
from alora_core.shared.events import DomainEvent, EventRecorder
from alora_core.shared.jobs import jobs_for
from alora_core.shared.secrets import Sealer

__all__ = ["MemoryStore", "MemoryUnitOfWork"]


@define
class _Tracked:
    table: str
    obj: Any
    original: Any | None  # None for objects added in this unit of work


class MemoryUnitOfWork:
    tables: ClassVar[tuple[TableSpec, ...]] = (TableSpec("audit_log"),)
    """The tables this unit of work reads and writes; a subclass adds its context's."""

    audit_log = repository(MemoryAuditLog)
    jobs = repository(MemoryJobRecords)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "tables" in cls.__dict__:
            cls.tables = MemoryUnitOfWork.tables + cls.__dict__["tables"]

    @classmethod
    def register(cls, store: MemoryStore) -> None:
        """Add this unit of work's tables to ``store``."""
        store.register(*cls.tables)

    def __init__(
        self,
        store: MemoryStore,
        handlers_of: Callable[[DomainEvent], list[str]] = lambda _event: [],
        sealer: Sealer | None = None,
    ) -> None:
        self.store = store
        self._handlers_of = handlers_of
        self._sealer = sealer
        self._before_commit: list[Callable[[], None]] = []
        self._tracked: dict[tuple[str, uuid.UUID], _Tracked] = {}
        self._deleted: set[tuple[str, uuid.UUID]] = set()
        self._deleted_objects: list[EventRecorder] = []
        self._on_commit: list[Callable[[], None]] = []
        self._events: list[DomainEvent] = []
        self._recorded: list[DomainEvent] = []
        self._read_only = False

    def reading(self) -> Self:
        self._read_only = True
        return self

    async def __aenter__(self) -> Self:
        self._reset()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.rollback()

    async def rollback(self) -> None:
        self._reset()
        self._read_only = False

    def collect_events(self) -> list[DomainEvent]:
        events, self._events = self._events, []
        return events

    # -- used by the repositories -------------------------------------------------------------

    def load(self, table: str, row_id: uuid.UUID) -> Any | None:
        key = (table, row_id)
        if key in self._deleted:
            return None
        if key in self._tracked:
            return self._tracked[key].obj
        stored = self.store.rows(table).get(row_id)
        if stored is None:
            return None
        obj = copy.deepcopy(stored)
        self._tracked[key] = _Tracked(table, obj, copy.deepcopy(stored))
        return obj

    def add(self, table: str, obj: Any) -> None:
        self.store.table(table)  # a typo fails here, not at commit
        self._tracked[(table, obj.id)] = _Tracked(table, obj, None)
        self._deleted.discard((table, obj.id))

    def delete(self, table: str, obj: Any) -> None:
        self._deleted.add((table, obj.id))
        self._tracked.pop((table, obj.id), None)
        if isinstance(obj, EventRecorder):
            self._deleted_objects.append(obj)

    def scan(self, table: str, where: Callable[[Any], bool]) -> Iterator[Any]:
        """Rows matching ``where`` as this unit of work sees them (its own changes included)."""
        rows = self.store.rows(table)
        seen: set[uuid.UUID] = set()
        for (name, row_id), tracked in list(self._tracked.items()):
            if name == table:
                seen.add(row_id)
                if where(tracked.obj):
                    yield tracked.obj
        for row_id, stored in list(rows.items()):
            if row_id not in seen and (table, row_id) not in self._deleted and where(stored):
                obj = self.load(table, row_id)
                if obj is not None:
                    yield obj

    def before_commit(self, check: Callable[[], None]) -> None:
        """Run ``check`` first thing in commit; it raises to refuse the commit."""
        self._before_commit.append(check)

    def record_events(self, events: Iterable[DomainEvent]) -> None:
        """Events of no aggregate: committed like the aggregates' own; a rollback forgets them."""
        self._recorded.extend(events)

    def on_commit(self, write: Callable[[], None]) -> None:
        """Run ``write`` against the store when this unit of work commits."""
        self._on_commit.append(write)

    # -- commit -------------------------------------------------------------------------------

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a unit of work opened with reading() cannot commit")
        for check in self._before_commit:
            check()
        changed = [t for t in self._tracked.values() if t.original is None or t.obj != t.original]
        for tracked in changed:
            stored = self.store.rows(tracked.table).get(tracked.obj.id)
            if tracked.original is not None and (
                stored is None or getattr(stored, "version", 0) != tracked.original.version
            ):
                raise Conflict("the record was changed by someone else; try again")
        self._check_unique(changed)

        events = [
            event
            for obj in [t.obj for t in self._tracked.values()] + self._deleted_objects
            if isinstance(obj, EventRecorder)
            for event in obj.pull_events()
        ]
        events += self._recorded
        self._recorded = []
        self._deleted_objects.clear()
        add_to_outbox(self.store, jobs_for(events, self._handlers_of, self._sealer))
        self._events.extend(events)
        for table, row_id in self._deleted:
            self.store.delete(table, row_id)
        for tracked in changed:
            if tracked.original is not None and hasattr(tracked.obj, "version"):
                tracked.obj.version += 1
            self.store.rows(tracked.table)[tracked.obj.id] = copy.deepcopy(tracked.obj)
            tracked.original = copy.deepcopy(tracked.obj)
        for write in self._on_commit:
            write()
        self._on_commit.clear()
        if self._deleted:
            for forget in self.store.after_delete:
                forget(self.store)
        self._deleted.clear()

    def _check_unique(self, changed: list[_Tracked]) -> None:
        for tracked in changed:
            table = self.store.table(tracked.table)
            for column in table.unique:
                value = getattr(tracked.obj, column)
                if value is None:
                    continue
                for row_id, row in table.rows.items():
                    key = (tracked.table, row_id)
                    if row_id == tracked.obj.id or key in self._deleted:
                        continue
                    current = self._tracked[key].obj if key in self._tracked else row
                    if getattr(current, column) == value:
                        raise Conflict(f"{column} is already in use", field=column)

    def _reset(self) -> None:
        self._tracked = {}
        self._recorded = []
        self._deleted = set()
        self._deleted_objects = []
        self._on_commit = []
        self._before_commit = []
        for built in built_repositories(self):
            reset = getattr(built, "reset", None)
            if reset is not None:
                reset()
