"""Imperative mapping of attrs aggregates, shared by every context's tables.

Every attrs field of a mapped aggregate is a column: objects loaded from the database skip
``__init__``, so a field without a column would be missing, not defaulted. Pending domain events
live in ``obj.__dict__["_events"]``, which SQLAlchemy ignores (it is no mapped attribute).

``version`` is the optimistic-concurrency counter (``version_id_col``). It is set here
(``version_id_generator=False``, see ``_bump_version``) so that it grows by one per committed
transaction that changed the row, whatever the number of flushes inside it, exactly like the
in-memory adapter. A stale version makes the flush raise ``StaleDataError``, which the unit of
work turns into ``Conflict``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, event, inspect
from sqlalchemy.orm import Mapper, object_session, registry

from adapters.sqlalchemy.database import metadata

__all__ = ["map_versioned", "mapper_registry"]

mapper_registry = registry(metadata=metadata)


def map_versioned(cls: type[Any], table: Table, **properties: Any) -> Mapper[Any]:
    mapper = mapper_registry.map_imperatively(
        cls,
        table,
        properties=properties,
        version_id_col=table.c.version,
        version_id_generator=False,
    )
    event.listen(mapper, "before_update", _bump_version)
    return mapper


def _bump_version(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    """Add one to ``version`` the first time a row changes in a transaction (memory semantics).

    The UPDATE then says ``SET version = v + 1 ... WHERE id = :id AND version = v``; later
    flushes of the same transaction keep ``v + 1`` and check against it.
    """
    session = object_session(target)
    if session is None or not session.is_modified(target, include_collections=False):
        return
    transaction = session.get_transaction()
    state = inspect(target)
    if transaction is None or state.info.get("version_bumped_in") is transaction:
        return
    state.info["version_bumped_in"] = transaction
    if not state.attrs.version.history.has_changes():  # unless the caller set it on purpose
        target.version += 1
