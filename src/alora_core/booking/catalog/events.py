"""The catalog's events. ``name`` is the wire name used by the outbox."""

from __future__ import annotations

import uuid
from typing import ClassVar

from attrs import frozen

from alora_core.shared.events import DomainEvent


@frozen(kw_only=True)
class ServiceCreated(DomainEvent):
    name: ClassVar[str] = "service.created"
    service_id: uuid.UUID
    title: str
    category: str
    active: bool


@frozen(kw_only=True)
class ServiceUpdated(DomainEvent):
    """``fields``: the names of the fields that changed (``title``, ``active`` ...)."""

    name: ClassVar[str] = "service.updated"
    service_id: uuid.UUID
    fields: list[str]


@frozen(kw_only=True)
class ServiceDeleted(DomainEvent):
    name: ClassVar[str] = "service.deleted"
    service_id: uuid.UUID
