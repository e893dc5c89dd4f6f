"""The unit of work: one transaction over the repositories of a context."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from alora_core.shared.audit import AuditLog
from alora_core.shared.events import DomainEvent


class UnitOfWork(Protocol):
    """``async with uow:`` rolls back unless ``await uow.commit()`` ran.

    Each context extends this protocol with the repositories it needs, as read-only properties
    (see its ``ports.py``); the adapters implement it with a unit of work of the context's.
    """

    @property
    def audit_log(self) -> AuditLog: ...

    def reading(self) -> Self:
        """This unit of work for one read-only transaction: ``async with uow.reading():``.

        It takes no write lock (reads stay concurrent on SQLite); committing it is a bug.
        """
        ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None:
        """Make every change durable, or raise ``Conflict`` when a constraint is violated."""
        ...

    async def rollback(self) -> None: ...

    def collect_events(self) -> list[DomainEvent]:
        """Events recorded by the aggregates this unit of work committed; each returned once."""
        ...
