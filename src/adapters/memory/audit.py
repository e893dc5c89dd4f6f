"""``uow.audit_log`` in memory, which every unit of work has."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from adapters.memory.paging import list_page
from alora_core.shared.audit import AuditEntry
from alora_core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork


class MemoryAuditLog:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, entry: AuditEntry) -> None:
        self._uow.add("audit_log", entry)

    async def list(
        self, page: PageRequest, actor_id: uuid.UUID | None = None, action: str | None = None
    ) -> Page[AuditEntry]:
        found = self._uow.scan(
            "audit_log",
            lambda e: actor_id in (None, e.actor_id) and action in (None, e.action),
        )
        return list_page(sorted(found, key=lambda e: (e.occurred_at, e.id), reverse=True), page)
