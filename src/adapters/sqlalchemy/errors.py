"""What a database error means in the domain: ``Conflict`` (a violated constraint, a stale
version, a serialization failure), ``Invalid`` (a value the database cannot take) or
``Unavailable`` (the database is down, unreachable or, on SQLite, locked beyond the wait)."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Mapping

from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import StaleDataError

from adapters.sqlalchemy.database import database_busy, metadata
from alora_core.shared.errors import Conflict, DatabaseUnavailable, Invalid, Unavailable

__all__ = [
    "INVALID_DETAIL",
    "STALE_DETAIL",
    "UNREACHABLE_REASON",
    "conflict_from",
    "invalid_from",
    "unavailable_from",
]

STALE_DETAIL = "the record was changed by someone else; try again"
INVALID_DETAIL = "a value is not acceptable to the database"
# SQLSTATEs that mean "retry": serialization failure and deadlock (PostgreSQL).
_RETRY_SQLSTATES = frozenset({"40001", "40P01"})
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (\w+)\.(\w+)")
_SQLITE_UNIQUE_INDEX = re.compile(r"UNIQUE constraint failed: index '(\w+)'")  # on an expression
_NAMED_CONSTRAINT = re.compile(r'constraint "(\w+)"')


def conflict_from(
    exc: BaseException, named: Mapping[str, Callable[[], Conflict]] | None = None
) -> Conflict | None:
    """The ``Conflict`` a database error means, or None when it means something else.

    ``named`` maps constraint names to the conflict of their own that a violation means (a
    context declares them on its unit of work: ``constraint_errors``)."""
    if isinstance(exc, StaleDataError):
        return Conflict(STALE_DETAIL)
    if isinstance(exc, IntegrityError):
        found = _NAMED_CONSTRAINT.search(str(exc.orig))
        if found is not None and named and found.group(1) in named:
            return named[found.group(1)]()
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


UNREACHABLE_REASON = "database-unreachable"
UNREACHABLE_RETRY_SECONDS = 5
# SQLSTATEs of a server that is there but cannot serve: class 08 (connection exception), 53
# (insufficient resources: too many connections ...), 57P01-57P03 (shutting down, starting).
_OUTAGE_SQLSTATE_CLASSES = ("08", "53", "57P")
_SQLITE_BUSY = ("database is locked", "database is busy", "database table is locked")
_SQLITE_UNREACHABLE = ("unable to open database file", "disk I/O error")


def unavailable_from(exc: BaseException) -> Unavailable | None:
    """The ``Unavailable`` a database error means, or None when it means something else.

    SQLite locked by another process beyond ``busy_timeout`` is ``database-busy``; a server
    that refuses connections, cannot be resolved, drops the connection, is shutting down or
    has no connection left (and a pool with none free in time) is ``database-unreachable``.
    """
    if isinstance(exc, OperationalError) and any(m in str(exc.orig) for m in _SQLITE_BUSY):
        return database_busy()
    if isinstance(exc, DBAPIError):
        state = _sqlstate(exc)
        if state is not None:
            return _unreachable() if state.startswith(_OUTAGE_SQLSTATE_CLASSES) else None
        if (
            exc.connection_invalidated
            # A closed connection (asyncpg); SQLite's interface errors are bad parameters.
            or (isinstance(exc, InterfaceError) and not _from_sqlite(exc))
            or (
                isinstance(exc, OperationalError)
                and any(m in str(exc.orig) for m in _SQLITE_UNREACHABLE)
            )
        ):
            return _unreachable()
        return None
    if isinstance(exc, DisconnectionError | PoolTimeoutError | ConnectionError | socket.gaierror):
        return _unreachable()
    state = getattr(exc, "sqlstate", None)  # a driver's own error, unwrapped (asyncpg's connect)
    if isinstance(state, str) and state.startswith(_OUTAGE_SQLSTATE_CLASSES):
        return _unreachable()
    return None


def _from_sqlite(exc: DBAPIError) -> bool:
    return type(exc.orig).__module__.startswith("sqlite3")


def _unreachable() -> DatabaseUnavailable:
    return DatabaseUnavailable(
        "the database cannot be reached; try again shortly",
        retry_after_seconds=UNREACHABLE_RETRY_SECONDS,
        reason=UNREACHABLE_REASON,
    )


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
