"""The ``audit_log`` table, mapped to ``alora_core.shared.audit.AuditEntry`` (insert-only).

``actor_id`` has no foreign key on purpose: the log outlives the users it mentions.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, String, Table, Uuid
from sqlalchemy.orm import Mapper

from adapters.sqlalchemy.database import metadata
from adapters.sqlalchemy.identity import mapper_registry
from adapters.sqlalchemy.types import JsonDict, UtcDateTime
from alora_core.shared.audit import AuditEntry

__all__ = ["audit_log_table"]

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
