"""The conversations' events."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from attrs import frozen

from alora_core.shared.events import DomainEvent


@frozen(kw_only=True)
class ConversationChanged(DomainEvent):
    """A change members see: pushed after commit to ``recipients`` (``user:<id>`` topics) as
    ``{"event": kind, "data": data}``, and kept in the conversation's event log as ``seq``."""

    name: ClassVar[str] = "conversation.changed"
    conversation_id: uuid.UUID
    seq: int
    kind: str
    data: dict[str, Any]
    recipients: tuple[uuid.UUID, ...]


@frozen(kw_only=True)
class MessageSent(DomainEvent):
    """A message was sent: ``recipients`` are the members it is for (not the sender), to be
    told about it if they are not connected and have not muted the conversation."""

    name: ClassVar[str] = "message.sent"
    conversation_id: uuid.UUID
    message_id: uuid.UUID
    seq: int
    sender_id: uuid.UUID
    recipients: tuple[uuid.UUID, ...]
