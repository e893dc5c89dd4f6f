"""Content's events. ``name`` is the wire name used by the outbox."""

from __future__ import annotations

import uuid
from typing import ClassVar

from attrs import frozen

from alora_core.shared.events import DomainEvent


@frozen(kw_only=True)
class ContactReceived(DomainEvent):
    """Someone wrote through the contact form; the message itself stays in its table."""

    name: ClassVar[str] = "contact.received"
    message_id: uuid.UUID
    subject: str
    user_id: uuid.UUID | None
