"""The SQLAlchemy unit of work: one ``AsyncSession`` (one transaction) per ``async with``.

This base class is every context's: session, commit, outbox, audit log, job records,
``reading()`` and error translation. A context's unit of work subclasses it and declares its
repositories (``adapters.repository``) and ``constraint_errors``.

Behaves like ``adapters.memory.uow.MemoryUnitOfWork``:

- ``async with uow:`` opens a fresh session; leaving it rolls back what was not committed and
  closes the session. The same object may be entered again later (not concurrently).
- ``commit()`` flushes and commits; the session stays usable afterwards. A violated constraint
  or a stale version counter becomes ``Conflict`` (``field`` names a duplicated column), here
  and in any query whose autoflush hits it; the changes of the unit of work are then dropped.
  A value the database cannot take (PostgreSQL SQLSTATE class 22: a NUL character, a number
  out of range ...; an integer beyond 64 bits on SQLite) becomes ``Invalid`` the same way.
- On SQLite, a unit of work that writes waits for the engine's ``WriteGate`` before its
  transaction's first statement and lets it go when the transaction ends (commit, rollback,
  close), so this process's writers queue in order instead of polling SQLite's lock; a wait
  beyond the gate's timeout, like SQLite locked by another process beyond ``busy_timeout``,
  raises ``Unavailable`` (``database-busy``). A database that cannot be reached raises
  ``Unavailable`` (``database-unreachable``).
- On commit, the events recorded by every aggregate the session loaded, added or deleted are
  pulled and written to the outbox in the same transaction, one row per subscribed handler
  (``handlers_of``), their secret fields sealed by ``sealer``; after a successful commit they
  are kept for ``collect_events()``. Rows a repository writes in bulk (``insert_many``), past
  the session's objects, bring their events with ``record_events``; they are committed the
  same way.

Objects stay usable after the ``async with`` block: the session never expires them (no
``expire_on_commit``; close and rollback first detach them), so their attributes keep the
values they had.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, ClassVar, Self, TypeVar

from sqlalchemy import Executable, Result, Select, Table, event, insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.exc import StaleDataError

from adapters.repository import built_repositories, repository
from adapters.sqlalchemy.audit import SqlAuditLog
from adapters.sqlalchemy.database import SQLITE_BEGIN_OPTION, WriteGate, write_gate
from adapters.sqlalchemy.errors import conflict_from, invalid_from, unavailable_from
from adapters.sqlalchemy.jobs import SqlJobRecords, outbox_rows, outbox_table
from alora_core.shared.errors import AloraError, Conflict, Unavailable
from alora_core.shared.events import DomainEvent, EventRecorder
from alora_core.shared.secrets import Sealer

__all__ = ["SqlUnitOfWork", "TrackingSession", "session_factory"]

T = TypeVar("T")


class TrackingSession(OrmSession):
    """A session that holds on to every object it loads or is given.

    The identity map holds unmodified objects weakly; an aggregate that only recorded an event
    must not vanish before commit collects it. ``seen`` keeps them, in order, until rollback.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen: dict[int, object] = {}

    def forget(self) -> None:
        """Detach every object (their state is kept) and stop tracking them."""
        self.expunge_all()
        self.seen.clear()


def _track(session: OrmSession, instance: object) -> None:
    if isinstance(session, TrackingSession):
        session.seen.setdefault(id(instance), instance)


for _name in ("transient_to_pending", "loaded_as_persistent", "detached_to_persistent"):
    event.listen(TrackingSession, _name, _track)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        engine, expire_on_commit=False, autoflush=True, sync_session_class=TrackingSession
    )


class SqlUnitOfWork:
    """The ``UnitOfWork`` protocol over a SQLAlchemy ``AsyncSession``."""

    constraint_errors: ClassVar[Mapping[str, Callable[[], Conflict]]] = {}
    """Constraints whose violation is a conflict of its own, by name (owned by the context)."""

    audit_log = repository(SqlAuditLog)
    jobs = repository(SqlJobRecords)

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        handlers_of: Callable[[DomainEvent], list[str]] = lambda _event: [],
        sealer: Sealer | None = None,
    ) -> None:
        self._factory = sessions
        self._handlers_of = handlers_of
        self._sealer = sealer
        self._session: AsyncSession | None = None
        self._events: list[DomainEvent] = []
        self._recorded: list[DomainEvent] = []
        self._read_only = False
        self._gate: WriteGate | None = write_gate(sessions.kw.get("bind"))
        self._holding_gate = False

    # -- the UnitOfWork protocol --------------------------------------------------------------

    def reading(self) -> Self:
        self._read_only = True
        return self

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("this unit of work is already open; use one per task")
        self._session = self._factory()
        self._recorded = []
        self._reset_repositories()
        if self._read_only:
            # One round trip per statement: no BEGIN and no ROLLBACK, and on SQLite no write
            # lock, so reads never queue behind writers.
            try:
                await self._guard(self._session.connection(execution_options=self._read_options()))
            except BaseException:
                await self.__aexit__(None, None, None)
                raise
        return self

    def _read_options(self) -> dict[str, str]:
        assert self._session is not None
        if self._session.get_bind().dialect.name == "sqlite":
            return {SQLITE_BEGIN_OPTION: "NONE"}
        return {"isolation_level": "AUTOCOMMIT"}

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self._session, None
        self._read_only = False
        self._recorded = []
        self._reset_repositories()
        try:
            if session is not None:
                _tracking(session).forget()
                await session.close()  # rolls back whatever was not committed
        finally:
            self._let_gate_go()

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a unit of work opened with reading() cannot commit")
        session = self.session
        events = [
            event
            for obj in list(_tracking(session).seen.values())
            if isinstance(obj, EventRecorder)
            for event in obj.pull_events()
        ]
        events += self._recorded
        await self._guard(
            self._write(session, outbox_rows(events, self._handlers_of, self._sealer))
        )
        self._recorded = []
        self._let_gate_go()
        self._events.extend(events)

    async def _write(self, session: AsyncSession, outbox: list[dict[str, Any]]) -> None:
        for built in built_repositories(self):
            before_commit = getattr(built, "before_commit", None)
            if before_commit is not None:
                await before_commit()
        if outbox:
            await session.execute(insert(outbox_table), outbox)
        await session.commit()

    async def rollback(self) -> None:
        if self._session is not None:
            await self._discard(self._session)

    def collect_events(self) -> list[DomainEvent]:
        events, self._events = self._events, []
        return events

    # -- used by the repositories -------------------------------------------------------------

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("use the unit of work inside `async with uow:`")
        return self._session

    @property
    def dialect_name(self) -> str:
        return self.session.get_bind().dialect.name

    def add(self, obj: object) -> None:
        self.session.add(obj)

    async def insert_many(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Insert ``rows`` into ``table`` now, in one statement (no ORM objects); constraint
        errors as everywhere else."""
        await self._guard(self.session.execute(insert(table), rows))

    def record_events(self, events: Iterable[DomainEvent]) -> None:
        """Events of changes written without objects of the session (``insert_many``): the
        commit writes their outbox rows and hands them to ``collect_events`` like the
        aggregates' own; a rollback forgets them."""
        self._recorded.extend(events)

    async def delete(self, obj: object) -> None:
        await self._guard(self.session.delete(obj))

    async def _wait_for_gate(self) -> None:
        """On SQLite, take this process's turn to write before the transaction begins."""
        if self._gate is not None and not self._holding_gate and not self._read_only:
            await self._gate.acquire()
            self._holding_gate = True

    def _let_gate_go(self) -> None:
        if self._holding_gate:
            self._holding_gate = False
            assert self._gate is not None
            self._gate.release()

    async def get(self, entity: type[T], ident: uuid.UUID, *, for_update: bool = False) -> T | None:
        """The object with this id as this unit of work sees it (added, changed or deleted).

        No autoflush: a lookup by id needs none, and flushing here could raise the conflict of
        an unrelated change before ``commit()`` (the in-memory adapter raises only there).
        """
        session = self.session
        for pending in session.new:
            if isinstance(pending, entity) and getattr(pending, "id", None) == ident:
                return pending
        with session.no_autoflush:
            obj = await self._guard(session.get(entity, ident, with_for_update=for_update))
        return None if obj is None or obj in session.deleted else obj

    async def execute(
        self, statement: Executable, params: Mapping[str, Any] | None = None
    ) -> Result[Any]:
        """Run ``statement`` (with the values of its ``bindparam``s in ``params``): a statement
        built once and run with values is cheaper than one built afresh each time."""
        return await self._guard(self.session.execute(statement, params))

    async def scalar(self, statement: Select[T]) -> T | None:
        return (await self.execute(statement)).scalar()

    async def scalars(self, statement: Select[T]) -> list[T]:
        return list((await self.execute(statement)).scalars().all())

    async def first(self, statement: Select[T]) -> T | None:
        return (await self.execute(statement)).scalars().first()

    # -- errors -------------------------------------------------------------------------------

    async def _guard(self, awaitable: Awaitable[T]) -> T:
        """Await a session call; a violated constraint or a stale version raises ``Conflict``,
        a value the database refuses raises ``Invalid``.

        The session is then rolled back and its objects detached (they keep their state), so
        the unit of work can go on with fresh reads, as the in-memory one can.
        """
        try:
            await self._wait_for_gate()
        except BaseException:
            _close_unawaited(awaitable)
            raise
        try:
            return await awaitable
        except (DBAPIError, StaleDataError, OverflowError, OSError) as exc:
            error: AloraError | None = (
                conflict_from(exc, self.constraint_errors)
                or invalid_from(exc)
                or unavailable_from(exc)
            )
            if error is None:
                raise
            try:
                await self._discard(self.session)
            except Exception:
                if not isinstance(error, Unavailable):
                    raise
                # The connection is gone with the database: nothing left to roll back.
            raise error from exc

    def _reset_repositories(self) -> None:
        for built in built_repositories(self):
            reset = getattr(built, "reset", None)
            if reset is not None:
                reset()

    async def _discard(self, session: AsyncSession) -> None:
        self._recorded = []
        self._reset_repositories()
        _tracking(session).forget()
        try:
            await session.rollback()
        finally:
            self._let_gate_go()


def _close_unawaited(awaitable: Awaitable[Any]) -> None:
    close = getattr(awaitable, "close", None)  # a coroutine never started: no warning
    if close is not None:
        close()


def _tracking(session: AsyncSession) -> TrackingSession:
    sync_session = session.sync_session
    assert isinstance(sync_session, TrackingSession), "use session_factory() for the sessions"
    return sync_session
