"""The read side of the catalog: what lists show, selected straight from storage."""

from __future__ import annotations

import uuid
from datetime import datetime

from attrs import frozen

from alora_core.booking.catalog.model import Service


@frozen(kw_only=True)
class ServiceView:
    """A service as readers see it (lists and single reads)."""

    id: uuid.UUID
    title: str
    description: str
    category: str
    icon: str | None
    color: str | None
    active: bool
    created_at: datetime
    updated_at: datetime
    version: int


@frozen(kw_only=True)
class ServiceFilter:
    """Which services a list holds; deleted ones never.

    ``text`` is folded already (``model.searchable``) and matched as a substring of the
    service's ``search_text``. ``active`` None: active and inactive alike.
    """

    category: str | None = None
    text: str | None = None
    active: bool | None = True


def view_of(service: Service) -> ServiceView:
    return ServiceView(
        id=service.id,
        title=service.title,
        description=service.description,
        category=service.category,
        icon=service.icon,
        color=service.color,
        active=service.active,
        created_at=service.created_at,
        updated_at=service.updated_at,
        version=service.version,
    )
