"""Notifications' commands. Who acts, the ``actor``, is the recipient: only they see and touch
their own."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from attrs import field, frozen

from alora_core.notifications.model import EmailKind, Notification, NotificationType
from alora_core.shared.actor import Actor
from alora_core.shared.commands import Command
from alora_core.shared.pagination import CursorPage


@frozen(kw_only=True)
class Notify(Command[uuid.UUID]):
    """Tell a user something: stored always, pushed to their open sockets, emailed when
    ``email_kind`` is given and their preferences accept that kind (see ``EmailKind``)."""

    recipient_id: uuid.UUID
    type: NotificationType
    title: str
    body: str
    link: str | None = None
    """A path inside the product (``/bookings/123``) or an http(s) URL."""
    data: Mapping[str, Any] = field(factory=dict)
    """Free JSON for clients (ids to open, a kind to pick an icon ...), at most 16 KiB."""
    email_kind: EmailKind | None = None
    """None: never emailed."""
    collapse_key: str | None = None
    """Update the recipient's unread notification of this key, if any, instead of adding one
    (see ``Notice.collapse_key``)."""


@frozen(kw_only=True)
class Announce(Command[int]):
    """An administrator tells many users the same thing: one notification each (like
    ``Notify``, never emailed). Recipients that do not exist are skipped."""

    actor: Actor
    recipient_ids: Sequence[uuid.UUID]
    """1 to ``MAX_ANNOUNCEMENT_RECIPIENTS`` users; repeats count once."""
    type: NotificationType
    title: str
    body: str
    link: str | None = None
    data: Mapping[str, Any] = field(factory=dict)


MAX_ANNOUNCEMENT_RECIPIENTS = 1000


@frozen(kw_only=True)
class ListNotifications(Command[CursorPage[Notification]]):
    """Newest first. ``cursor`` is the ``next_cursor`` of the page before (None: the first)."""

    actor: Actor
    cursor: str | None = None
    limit: int = 20
    unread_only: bool = False


@frozen(kw_only=True)
class CountUnread(Command[int]):
    actor: Actor


@frozen(kw_only=True)
class MarkRead(Command[Notification]):
    actor: Actor
    notification_id: uuid.UUID


@frozen(kw_only=True)
class MarkAllRead(Command[int]):
    actor: Actor


@frozen(kw_only=True)
class DeleteNotification(Command[None]):
    actor: Actor
    notification_id: uuid.UUID


@frozen(kw_only=True)
class SendHeldEmails(Command[int]):
    """Send the emails whose time has come (quiet hours over). Run every minute."""
