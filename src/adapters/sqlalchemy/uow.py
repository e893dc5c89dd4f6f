"""The SQLAlchemy unit of work: one ``AsyncSession`` (one transaction) per ``async with``.

Behaves like ``adapters.memory.uow.MemoryUnitOfWork``:

- ``async with uow:`` opens a fresh session; leaving it rolls back what was not committed and
  closes the session. The same object may be entered again later (not concurrently).
- ``commit()`` flushes and commits; the session stays usable afterwards. A violated constraint
  or a stale version counter becomes ``Conflict`` (``field`` names a duplicated column), here
  and in any query whose autoflush hits it; the changes of the unit of work are then dropped.
  A value the database cannot take (PostgreSQL SQLSTATE class 22: a NUL character, a number
  out of range ...; an integer beyond 64 bits on SQLite) becomes ``Invalid`` the same way.
- On commit, the events recorded by every aggregate the session loaded, added or deleted are
  pulled and written to the outbox in the same transaction, one row per subscribed handler
  (``handlers_of``); after a successful commit they are kept for ``collect_events()``.

Objects stay usable after the ``async with`` block: the session never expires them (no
``expire_on_commit``; close and rollback first detach them), so their attributes keep the
values they had.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self, TypeVar

from sqlalchemy import Executable, Result, Select, UniqueConstraint, event, insert
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.exc import StaleDataError

from adapters.sqlalchemy.booking.bookings import (
    NO_OVERLAP,
    SqlBookingReminders,
    SqlBookings,
    SqlBusyTimes,
)
from adapters.sqlalchemy.booking.favorites import SqlFavorites
from adapters.sqlalchemy.booking.professionals import (
    SqlGalleryFiles,
    SqlProfessionalDirectory,
    SqlProfessionals,
)
from adapters.sqlalchemy.booking.reviews import SqlReviews
from adapters.sqlalchemy.booking.search import SqlSearchIndex
from adapters.sqlalchemy.booking.services import SqlServices
from adapters.sqlalchemy.content import SqlAboutPages, SqlContactMessages, SqlFaqs, SqlFeedback
from adapters.sqlalchemy.database import SQLITE_BEGIN_OPTION, metadata
from adapters.sqlalchemy.files import SqlFiles
from adapters.sqlalchemy.jobs import SqlJobRecords, outbox_rows, outbox_table
from adapters.sqlalchemy.notifications import SqlNotifications, SqlRecipients
from adapters.sqlalchemy.reports import (
    SqlActivityFigures,
    SqlActivityReports,
    SqlAdmins,
    SqlPlatformFigures,
)
from adapters.sqlalchemy.repositories import (
    SqlAuditLog,
    SqlCodes,
    SqlDevices,
    SqlSessions,
    SqlUsers,
)
from alora_core.booking.bookings.errors import SlotUnavailable
from alora_core.booking.bookings.ports import BookingReminders, Bookings, BusyTimes
from alora_core.booking.catalog.ports import Services
from alora_core.booking.favorites.ports import Favorites
from alora_core.booking.professionals.ports import GalleryFiles, Profiles
from alora_core.booking.professionals.queries import Directory
from alora_core.booking.reviews.ports import Reviews
from alora_core.booking.search.ports import SearchIndex
from alora_core.content.ports import AboutPages, ContactMessages, Faqs, FeedbackEntries
from alora_core.files.ports import Files
from alora_core.identity.ports import Devices, OneTimeCodes, Sessions, Users
from alora_core.notifications.ports import Notifications, Recipients
from alora_core.reports.ports import ActivityFigures, ActivityReports, Admins
from alora_core.reports.queries import PlatformFigureSource
from alora_core.shared.audit import AuditLog
from alora_core.shared.errors import Conflict, Invalid
from alora_core.shared.events import DomainEvent, EventRecorder
from alora_core.shared.jobs import JobRecords

__all__ = [
    "SqlAlchemyUnitOfWork",
    "TrackingSession",
    "conflict_from",
    "invalid_from",
    "session_factory",
]

T = TypeVar("T")

STALE_DETAIL = "the record was changed by someone else; try again"
INVALID_DETAIL = "a value is not acceptable to the database"
# SQLSTATEs that mean "retry": serialization failure and deadlock (PostgreSQL).
_RETRY_SQLSTATES = frozenset({"40001", "40P01"})
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (\w+)\.(\w+)")
_SQLITE_UNIQUE_INDEX = re.compile(r"UNIQUE constraint failed: index '(\w+)'")  # on an expression
_NAMED_CONSTRAINT = re.compile(r'constraint "(\w+)"')
# Constraints whose violation is a conflict of its own, by name.
_NAMED_CONFLICTS: dict[str, Callable[[], Conflict]] = {NO_OVERLAP: SlotUnavailable.taken}


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


class SqlAlchemyUnitOfWork:
    """``UnitOfWork`` and ``IdentityUnitOfWork`` over a SQLAlchemy ``AsyncSession``."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        handlers_of: Callable[[DomainEvent], list[str]] = lambda _event: [],
    ) -> None:
        self._factory = sessions
        self._handlers_of = handlers_of
        self._session: AsyncSession | None = None
        self._events: list[DomainEvent] = []
        self._read_only = False
        self._tokens = SqlSessions(self)  # also holds the refresh tokens to write on commit
        # Typed as the ports: protocol attributes are invariant, and this checks the match.
        self.users: Users = SqlUsers(self)
        self.sessions: Sessions = self._tokens
        self.codes: OneTimeCodes = SqlCodes(self)
        self.devices: Devices = SqlDevices(self)
        self.audit_log: AuditLog = SqlAuditLog(self)
        self.reports: ActivityReports = SqlActivityReports(self)
        self.activity_figures: ActivityFigures = SqlActivityFigures(self)
        self.platform_figures: PlatformFigureSource = SqlPlatformFigures(self)
        self.admins: Admins = SqlAdmins(self)
        self.jobs: JobRecords = SqlJobRecords(self)
        self.notifications: Notifications = SqlNotifications(self)
        self.recipients: Recipients = SqlRecipients(self)
        self.faqs: Faqs = SqlFaqs(self)
        self.feedback: FeedbackEntries = SqlFeedback(self)
        self.contact_messages: ContactMessages = SqlContactMessages(self)
        self.about: AboutPages = SqlAboutPages(self)
        self.services: Services = SqlServices(self)
        self.professionals: Profiles = SqlProfessionals(self)
        self.professional_directory: Directory = SqlProfessionalDirectory(self)
        self.gallery_files: GalleryFiles = SqlGalleryFiles(self)
        self.search: SearchIndex = SqlSearchIndex(self)
        self.bookings: Bookings = SqlBookings(self)
        self.busy_times: BusyTimes = SqlBusyTimes(self)
        self.booking_reminders: BookingReminders = SqlBookingReminders(self)
        self.reviews: Reviews = SqlReviews(self)
        self.favorites: Favorites = SqlFavorites(self)
        self.files: Files = SqlFiles(self)

    # -- the UnitOfWork protocol --------------------------------------------------------------

    def reading(self) -> Self:
        self._read_only = True
        return self

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("this unit of work is already open; use one per task")
        self._session = self._factory()
        self._tokens.forget_tokens()
        if self._read_only:
            # One round trip per statement: no BEGIN and no ROLLBACK, and on SQLite no write
            # lock, so reads never queue behind writers.
            await self._session.connection(execution_options=self._read_options())
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
        self._tokens.forget_tokens()
        if session is not None:
            _tracking(session).forget()
            await session.close()  # rolls back whatever was not committed

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
        await self._guard(self._write(session, outbox_rows(events, self._handlers_of)))
        self._events.extend(events)

    async def _write(self, session: AsyncSession, outbox: list[dict[str, Any]]) -> None:
        await self._tokens.write_tokens()
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

    async def delete(self, obj: object) -> None:
        await self._guard(self.session.delete(obj))

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

    async def execute(self, statement: Executable) -> Result[Any]:
        return await self._guard(self.session.execute(statement))

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
            return await awaitable
        except (DBAPIError, StaleDataError, OverflowError) as exc:
            error = conflict_from(exc) or invalid_from(exc)
            if error is None:
                raise
            await self._discard(self.session)
            raise error from exc

    async def _discard(self, session: AsyncSession) -> None:
        self._tokens.forget_tokens()
        _tracking(session).forget()
        await session.rollback()


def _tracking(session: AsyncSession) -> TrackingSession:
    sync_session = session.sync_session
    assert isinstance(sync_session, TrackingSession), "use session_factory() for the sessions"
    return sync_session


# --- translating database errors --------------------------------------------------------------


def conflict_from(exc: BaseException) -> Conflict | None:
    """The ``Conflict`` a database error means, or None when it means something else."""
    if isinstance(exc, StaleDataError):
        return Conflict(STALE_DETAIL)
    if isinstance(exc, IntegrityError):
        named = _NAMED_CONSTRAINT.search(str(exc.orig))
        if named is not None and named.group(1) in _NAMED_CONFLICTS:
            return _NAMED_CONFLICTS[named.group(1)]()
        if not _is_duplicate(exc):
            return Conflict("the change conflicts with related records")
        column = _duplicated_column(exc)
        if column is None:  # a primary key
            return Conflict("the record already exists")
        return Conflict(f"{column} is already in use", field=column)
    if isinstance(exc, DBAPIError) and _sqlstate(exc) in _RETRY_SQLSTATES:
        return Conflict("the change clashed with a concurrent one; try again")
    return None


def invalid_from(exc: BaseException) -> Invalid | None:
    """The ``Invalid`` a database error means (the input holds a value the database cannot
    store or compare), or None when it means something else."""
    if isinstance(exc, DBAPIError):
        state = _sqlstate(exc)
        # SQLSTATE class 22, "data exception": 22021 (a NUL character), 22001 (string too
        # long), 22003 (numeric value out of range), 22P02 (invalid text representation) ...
        # DataError is the DB-API's name for the same, for drivers that give no SQLSTATE.
        if (state is not None and state.startswith("22")) or isinstance(exc, DataError):
            return Invalid(INVALID_DETAIL)
    # sqlite3 binds integers as 64-bit and raises this, unwrapped, for a larger one.
    if isinstance(exc, OverflowError) and "SQLite INTEGER" in str(exc):
        return Invalid(INVALID_DETAIL)
    return None


def _sqlstate(exc: DBAPIError) -> str | None:
    for error in (exc.orig, getattr(exc.orig, "__cause__", None)):
        state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if isinstance(state, str):
            return state
    return None


def _is_duplicate(exc: IntegrityError) -> bool:
    state = _sqlstate(exc)
    return state == "23505" if state else "UNIQUE constraint failed" in str(exc.orig)


def _duplicated_column(exc: IntegrityError) -> str | None:
    """The column a unique constraint (not a primary key) found duplicated, if any."""
    orig = exc.orig
    cause = getattr(orig, "__cause__", None)
    diag = getattr(orig, "diag", None)
    name = (
        getattr(cause, "constraint_name", None)
        or getattr(orig, "constraint_name", None)
        or getattr(diag, "constraint_name", None)
    )
    message = str(orig)
    if name is None and (found := _NAMED_CONSTRAINT.search(message)):
        name = found.group(1)
    if name is None and (found := _SQLITE_UNIQUE_INDEX.search(message)):
        name = found.group(1)
    if isinstance(name, str):
        return _unique_constraint_column(name)
    if found := _SQLITE_UNIQUE.search(message):
        return _non_key_column(found.group(1), found.group(2))
    return None


def _unique_constraint_column(name: str) -> str | None:
    """The first column of the unique constraint or index called ``name`` in our metadata."""
    for table in metadata.tables.values():
        for constraint in table.constraints:
            if constraint.name == name and isinstance(constraint, UniqueConstraint):
                return str(next(iter(constraint.columns)).name)
        for index in table.indexes:
            if index.name == name and index.unique:
                return str(next(iter(index.columns)).name)
    return None


def _non_key_column(table_name: str, column_name: str) -> str | None:
    table = metadata.tables.get(table_name)
    if table is None or column_name in table.primary_key.columns:
        return None
    return column_name
