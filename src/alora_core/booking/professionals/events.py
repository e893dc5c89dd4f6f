"""Professional profiles' events. ``name`` is the wire name used by the outbox."""

from __future__ import annotations

import uuid
from typing import ClassVar

from attrs import frozen

from alora_core.shared.events import DomainEvent


@frozen(kw_only=True)
class ProfileUpdated(DomainEvent):
    """A profile was created or its offer changed (categories, services, rate, area ...)."""

    name: ClassVar[str] = "professional.profile_updated"
    professional_id: uuid.UUID


@frozen(kw_only=True)
class AvailabilityUpdated(DomainEvent):
    """Working hours, date exceptions, booking rules or the time zone changed."""

    name: ClassVar[str] = "professional.availability_updated"
    professional_id: uuid.UUID
