"""Engine, metadata and URL handling shared by every SQLAlchemy adapter.

Users configure plain URLs (``sqlite:///var/alora.db``, ``postgresql://u:p@host/db``);
``async_url`` picks the async driver. ``create_engine`` makes SQLite safe for concurrent
writers: every transaction starts with ``BEGIN IMMEDIATE`` so writers queue on
``busy_timeout`` instead of failing with "database is locked" when two deferred
transactions try to upgrade to a write lock at the same time. Inside one process, writers
queue on a ``WriteGate`` first (an asyncio lock with a bounded wait): SQLite's busy handler
sleeps and polls, which wastes most of the time a queue of writers could use, while a lock
hands the database over the moment the previous transaction ends. ``busy_timeout`` still
queues writers of different processes. It also replaces SQLite's
``lower()``, which folds ASCII letters only, with Python's ``str.lower`` (as PostgreSQL and
the in-memory adapter fold: ``lower('ÁNGELA')`` is ``'ángela'``).
"""

from __future__ import annotations

import asyncio
import importlib
import weakref
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from alora_core.shared.errors import DatabaseUnavailable

__all__ = [
    "BUSY_REASON",
    "DEFAULT_WRITE_TIMEOUT_SECONDS",
    "NAMING_CONVENTION",
    "SQLITE_BEGIN_OPTION",
    "SQLITE_PRAGMAS",
    "UNMAPPED",
    "WriteGate",
    "async_url",
    "create_engine",
    "database_busy",
    "import_tables",
    "include_name",
    "metadata",
    "ping",
    "safe_url",
    "write_gate",
]

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

UNMAPPED: set[str] = set()
"""Names schema comparisons skip (``include_name``): objects the migrations make beside the
tables of ``metadata``, such as full-text indexes. A table module adds its own by defining
``UNMAPPED_NAMES`` (a column is written ``table.column``); ``import_tables`` collects them."""
_FTS5_SHADOW_SUFFIXES = ("_config", "_content", "_data", "_docsize", "_idx")

# The async drivers we support, by backend; the first one is the default.
_ASYNC_DRIVERS: dict[str, tuple[str, ...]] = {
    "sqlite": ("aiosqlite",),
    "postgresql": ("asyncpg", "psycopg", "psycopg_async"),
}
_BACKEND_ALIASES = {"sqlite": "sqlite", "postgresql": "postgresql", "postgres": "postgresql"}

SQLITE_PRAGMAS: tuple[tuple[str, str], ...] = (
    ("busy_timeout", "5000"),  # first, so switching to WAL below also waits for locks
    ("journal_mode", "WAL"),
    ("synchronous", "NORMAL"),
    ("foreign_keys", "ON"),
)

# Execution option naming the BEGIN mode on SQLite: "IMMEDIATE" (default) or "DEFERRED".
# Read-only work may use ``engine.execution_options(sqlite_begin="DEFERRED")`` so it does
# not queue behind writers; never use DEFERRED for a transaction that reads then writes.
SQLITE_BEGIN_OPTION = "sqlite_begin"


BUSY_REASON = "database-busy"
DEFAULT_WRITE_TIMEOUT_SECONDS = 10.0


def database_busy() -> DatabaseUnavailable:
    """What a writer that waited too long for SQLite's write lock gets."""
    return DatabaseUnavailable(
        "the database is busy with other changes; try again shortly",
        retry_after_seconds=1,
        reason=BUSY_REASON,
    )


class WriteGate:
    """One write transaction at a time in this process, the others waiting their turn in order
    for at most ``timeout_seconds`` (then ``Unavailable``, reason ``database-busy``).

    Used on SQLite only, where the database takes one writer at a time anyway. A lock per event
    loop, so an engine used from several loops (tests) never shares one across them.
    """

    def __init__(self, timeout_seconds: float) -> None:
        self.timeout_seconds = timeout_seconds
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    def _lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    async def acquire(self) -> None:
        lock = self._lock()
        if not lock.locked():
            await lock.acquire()
            return
        try:
            async with asyncio.timeout(self.timeout_seconds):
                await lock.acquire()
        except TimeoutError:
            raise database_busy() from None

    def release(self) -> None:
        self._lock().release()

    @asynccontextmanager
    async def holding(self) -> AsyncIterator[None]:
        await self.acquire()
        try:
            yield
        finally:
            self.release()


_GATES: weakref.WeakKeyDictionary[Any, WriteGate] = weakref.WeakKeyDictionary()


def write_gate(engine: AsyncEngine | None) -> WriteGate | None:
    """The write gate of an engine ``create_engine`` made for SQLite; None for others."""
    if engine is None:
        return None
    return _GATES.get(engine.sync_engine)


def _parse(url: str) -> URL:
    try:
        return make_url(url.strip())
    except ArgumentError:
        raise ValueError(
            f"cannot parse database URL {url!r}: expected sqlite:///path/to/file.db "
            "or postgresql://user:password@host:5432/database"
        ) from None


def async_url(url: str) -> str:
    """Return ``url`` with the async driver we use for its backend.

    ``sqlite:///var/a.db`` -> ``sqlite+aiosqlite:///var/a.db``;
    ``postgres(ql)://...`` -> ``postgresql+asyncpg://...``. A URL naming a driver is kept if
    that driver is a supported async one; anything else raises ``ValueError``.
    """
    parsed = _parse(url)
    backend_name, _, driver = parsed.drivername.partition("+")
    backend = _BACKEND_ALIASES.get(backend_name.lower())
    if backend is None:
        raise ValueError(
            f"unsupported database {backend_name!r} in {_safe(parsed)}: "
            "use sqlite:///path/to/file.db or postgresql://user:password@host/database"
        )
    drivers = _ASYNC_DRIVERS[backend]
    if not driver:
        driver = drivers[0]
    elif driver not in drivers:
        raise ValueError(
            f"unsupported driver {driver!r} in {_safe(parsed)}: use a plain {backend}:// URL "
            f"or an async driver ({', '.join(f'{backend}+{d}' for d in drivers)})"
        )
    # Swap the scheme only: the rest stays exactly as written (and as make_url parsed it).
    return f"{backend}+{driver}{url.strip()[len(parsed.drivername) :]}"


def _safe(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def safe_url(url: str) -> str:
    """``url`` with its password masked, for messages and logs."""
    return _safe(_parse(url))


def create_engine(
    url: str,
    *,
    echo: bool = False,
    write_timeout_seconds: float = DEFAULT_WRITE_TIMEOUT_SECONDS,
    **kwargs: Any,
) -> AsyncEngine:
    """An ``AsyncEngine`` for a plain or async URL, configured for its backend.

    On SQLite, writers of this process wait for each other at most ``write_timeout_seconds``
    (``write_gate``). Extra keyword arguments go to ``create_async_engine`` (e.g.
    ``pool_size``).
    """
    parsed = make_url(async_url(url))
    if parsed.get_backend_name() == "sqlite":
        engine = _create_sqlite_engine(parsed, echo=echo, **kwargs)
        _GATES[engine.sync_engine] = WriteGate(write_timeout_seconds)
        return engine
    # No pre-ping: it costs a round trip per checkout; connections are recycled instead.
    options: dict[str, Any] = {}
    if "poolclass" not in kwargs:
        options.update(pool_size=20, max_overflow=10, pool_recycle=1800)
    options.update(kwargs)
    return create_async_engine(parsed, echo=echo, **options)


def _is_memory(database: str | None) -> bool:
    return not database or database == ":memory:" or database.startswith("file::memory:")


def _create_sqlite_engine(url: URL, *, echo: bool, **kwargs: Any) -> AsyncEngine:
    if not _is_memory(url.database) and not url.query.get("uri"):
        Path(url.database or "").expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, echo=echo, **kwargs)

    # SQLAlchemy's documented recipe (SQLite dialect docs, "Enabling Non-Legacy SQLite
    # Transactional Modes"): stop the driver from emitting BEGIN itself and emit our own.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        # The aiosqlite adapter runs this on the connection's own thread, as sqlite3 requires.
        dbapi_connection.create_function("lower", 1, _sqlite_lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        try:
            for name, value in SQLITE_PRAGMAS:
                cursor.execute(f"PRAGMA {name}={value}")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = str(connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "IMMEDIATE"))
        if mode.upper() not in {"IMMEDIATE", "DEFERRED", "EXCLUSIVE", "NONE"}:
            raise ValueError(
                f"{SQLITE_BEGIN_OPTION} must be IMMEDIATE, DEFERRED, EXCLUSIVE or NONE"
            )
        if mode.upper() != "NONE":  # NONE: each statement is its own read transaction
            connection.exec_driver_sql(f"BEGIN {mode.upper()}")

    return engine


def _sqlite_lower(value: Any) -> Any:
    """SQLite's ``lower()`` with Python's Unicode case mapping; non-text passes through."""
    return value.lower() if isinstance(value, str) else value


def include_name(name: str | None, type_: str, parent_names: Mapping[Any, str | None]) -> bool:
    """Alembic's ``include_name`` hook: False for ``UNMAPPED`` names and FTS5 shadow tables."""
    if name is None:
        return True
    if type_ == "column":
        name = f"{parent_names.get('table_name')}.{name}"
    elif type_ == "table" and any(
        name.endswith(suffix) and name[: -len(suffix)] in UNMAPPED
        for suffix in _FTS5_SHADOW_SUFFIXES
    ):
        return False
    return name not in UNMAPPED


def import_tables(modules: Iterable[str]) -> MetaData:
    """Import the modules that define tables on ``metadata`` (each context module lists its
    own) and return ``metadata``. A module that cannot be imported is an error."""
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            raise LookupError(f"cannot import the table module {name!r}: {exc}") from exc
        UNMAPPED.update(getattr(module, "UNMAPPED_NAMES", ()))
    return metadata


async def ping(engine: AsyncEngine) -> None:
    """``SELECT 1``; raises if the database cannot be reached."""
    async with engine.connect() as connection:
        await connection.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"})
        await connection.execute(text("SELECT 1"))
