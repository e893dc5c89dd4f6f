"""The catalog's commands. Writes are for administrators; reads show inactive services to them
only."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from attrs import field, frozen

from alora_core.booking.catalog.model import Service
from alora_core.booking.catalog.queries import ServiceView
from alora_core.shared.actor import Actor
from alora_core.shared.commands import Command
from alora_core.shared.pagination import Page

MAX_BULK = 100
"""Services one ``CreateServices`` may hold."""


@frozen(kw_only=True)
class NewService:
    """One service to create. ``category`` is a short label (``home-cleaning``), ``icon`` a
    short name or an http(s) URL, ``color`` ``#RRGGBB``."""

    title: str
    category: str
    description: str = ""
    icon: str | None = None
    color: str | None = None
    active: bool = True

    def fields(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "category": self.category,
            "description": self.description,
            "icon": self.icon,
            "color": self.color,
            "active": self.active,
        }


@frozen(kw_only=True)
class CreateService(Command[Service]):
    actor: Actor
    service: NewService


@frozen(kw_only=True)
class CreateServices(Command[list[Service]]):
    """All or nothing: every service is created, or none and every problem is reported."""

    actor: Actor
    services: Sequence[NewService]


@frozen(kw_only=True)
class UpdateService(Command[Service]):
    """Change the fields in ``changes`` (names as in ``NewService``; ``icon`` and ``color`` may
    be None to clear them) of the service at ``version``, the version the caller last read."""

    actor: Actor
    service_id: uuid.UUID
    version: int
    changes: Mapping[str, Any] = field(factory=dict)


@frozen(kw_only=True)
class DeleteService(Command[None]):
    """Refused while open bookings (pending or confirmed) use the service."""

    actor: Actor
    service_id: uuid.UUID


@frozen(kw_only=True)
class ListServices(Command[Page[ServiceView]]):
    """Services by title. Everyone sees active services; administrators also inactive ones
    (``active`` filters them). ``text`` matches title and description, ignoring case and
    accents."""

    viewer: Actor = field(factory=Actor.anonymous)
    category: str | None = None
    text: str | None = None
    active: bool | None = None
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class GetService(Command[ServiceView]):
    """An inactive service is found by administrators only; a deleted one by nobody."""

    service_id: uuid.UUID
    viewer: Actor = field(factory=Actor.anonymous)
