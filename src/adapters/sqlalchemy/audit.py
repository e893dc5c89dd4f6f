"""The ``audit_log`` table, mapped to ``alora_core.shared.audit.AuditEntry`` (insert-only), and
``uow.audit_log``, which every unit of work has.

``actor_id`` has no foreign key on purpose: the log outlives the users it mentions.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, ColumnElement, String, Table, Uuid
from sqlalchemy.orm import Mapper

from adapters.sqlalchemy.database import metadata
from adapters.sqlalchemy.mapping import mapper_registry
from adapters.sqlalchemy.paging import entity_page
from adapters.sqlalchemy.types import JsonDict, UtcDateTime
from alora_core.shared.audit import AuditEntry
from alora_core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

__all__ = ["SqlAuditLog", "audit_log_table"]

audit_log_table = Table(
    "audit_log",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("actor_id", Uuid, nullable=False, index=True),
    Column("action", String, nullable=False, index=True),
    Column("target_type", String, nullable=False),
    Column("target_id", String, nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False, index=True),
    Column("details", JsonDict, nullable=False),
)

audit_mapper: Mapper[Any] = mapper_registry.map_imperatively(AuditEntry, audit_log_table)
_audit = audit_log_table.c


class SqlAuditLog:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def add(self, entry: AuditEntry) -> None:
        self._uow.add(entry)

    async def list(
        self, page: PageRequest, actor_id: uuid.UUID | None = None, action: str | None = None
    ) -> Page[AuditEntry]:
        where: list[ColumnElement[bool]] = []
        if actor_id is not None:
            where.append(_audit.actor_id == actor_id)
        if action is not None:
            where.append(_audit.action == action)
        newest_first = [_audit.occurred_at.desc(), _audit.id.desc()]
        return await entity_page(self._uow, AuditEntry, where, newest_first, page)
