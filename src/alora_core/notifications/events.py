"""Notifications' events. ``name`` is the wire name used by the outbox and the real-time push."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from attrs import frozen

from alora_core.shared.events import DomainEvent


@frozen(kw_only=True)
class NotificationCreated(DomainEvent):
    name: ClassVar[str] = "notification.created"
    notification_id: uuid.UUID
    recipient_id: uuid.UUID
    type: str
    title: str
    body: str
    link: str | None
    data: dict[str, Any]
    created_at: datetime
    email_kind: str | None


@frozen(kw_only=True)
class NotificationUpdated(DomainEvent):
    """An unread notification was told again (a notice of its collapse key): its text, data
    and ``created_at`` are the latest; pushed, never emailed."""

    name: ClassVar[str] = "notification.updated"
    notification_id: uuid.UUID
    recipient_id: uuid.UUID
    type: str
    title: str
    body: str
    link: str | None
    data: dict[str, Any]
    created_at: datetime


@frozen(kw_only=True)
class NotificationsRead(DomainEvent):
    """Some of a recipient's notifications were read; ``all`` (with no ids) when every one was."""

    name: ClassVar[str] = "notification.read"
    recipient_id: uuid.UUID
    notification_ids: list[uuid.UUID]
    all: bool
    read_at: datetime


@frozen(kw_only=True)
class NotificationDeleted(DomainEvent):
    name: ClassVar[str] = "notification.deleted"
    recipient_id: uuid.UUID
    notification_id: uuid.UUID
    was_unread: bool
