"""Search's event handlers: each change to a service or a professional's profile refreshes
that one document (``use_cases.refresh`` re-reads the current state, so a late or repeated
event does no harm). Each runs inside an open unit of work that the job runner commits.

Identity's events (a professional's new name) are subscribed by the composition root, which
may cross contexts: it passes ``professional_handler(lambda event: event.user_id)``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from alora_core.booking.catalog.events import ServiceCreated, ServiceDeleted, ServiceUpdated
from alora_core.booking.professionals.events import ProfileUpdated
from alora_core.booking.search.model import Kind
from alora_core.booking.search.ports import SearchUnitOfWork
from alora_core.booking.search.use_cases import refresh
from alora_core.shared.jobs import ContextSubscriptions, EventHandler

INDEXED_SERVICE_FIELDS = frozenset({"title", "description", "category"})
"""A service's fields its document holds; changes to the others (``active`` ...) are read live."""


async def index_service(event: Any, uow: SearchUnitOfWork) -> None:
    await refresh(Kind.SERVICE, event.service_id, uow)


async def index_professional(event: Any, uow: SearchUnitOfWork) -> None:
    await refresh(Kind.PROFESSIONAL, event.professional_id, uow)


def professional_handler(professional_id: Callable[[Any], uuid.UUID]) -> EventHandler:
    """A handler refreshing the document of the professional ``professional_id(event)``
    names (nothing is indexed for a user without a professional profile)."""

    async def handle(event: Any, uow: SearchUnitOfWork) -> None:
        await refresh(Kind.PROFESSIONAL, professional_id(event), uow)

    return handle


def subscribe(subscriptions: ContextSubscriptions) -> None:
    subscriptions.add(ServiceCreated, "search.index_new_service", index_service)
    subscriptions.add(
        ServiceUpdated,
        "search.index_changed_service",
        index_service,
        when=lambda event: not INDEXED_SERVICE_FIELDS.isdisjoint(event.fields),
    )
    subscriptions.add(ServiceDeleted, "search.drop_deleted_service", index_service)
    subscriptions.add(ProfileUpdated, "search.index_professional", index_professional)
