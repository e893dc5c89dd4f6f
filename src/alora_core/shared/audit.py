"""The audit log: who did what to which target, and when. Written by admin actions and reads of
what only operators may see (dead jobs)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Protocol

from attrs import define, field

from alora_core.shared.ids import new_id
from alora_core.shared.pagination import Page, PageRequest

SYSTEM_ACTOR_ID = uuid.UUID(int=0)
"""The ``actor_id`` of what no user does: the command line, run by whoever operates the host."""


@define(slots=False, kw_only=True)
class AuditEntry:
    actor_id: uuid.UUID
    action: str
    target_type: str
    target_id: str
    occurred_at: datetime
    details: dict[str, Any] = field(factory=dict)
    id: uuid.UUID = field(factory=new_id)


class AuditLog(Protocol):
    async def add(self, entry: AuditEntry) -> None: ...

    async def list(
        self, page: PageRequest, actor_id: uuid.UUID | None = None, action: str | None = None
    ) -> Page[AuditEntry]: ...
