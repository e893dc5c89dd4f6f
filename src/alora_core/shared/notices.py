"""Notices: what a context wants a user told about one of its events.

A context maps its own events to ``Notice``s and declares each mapping as a ``NoticeRule``;
the notifications context only delivers them (stores the notification, pushes it to the
user's sockets, emails it when their settings allow). Contexts never import notifications.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from attrs import field, frozen

from alora_core.shared.events import DomainEvent


class NotificationType(enum.StrEnum):
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


@frozen(kw_only=True)
class Notice:
    recipient_id: uuid.UUID
    type: NotificationType
    title: str
    body: str
    link: str | None = None
    """A path inside the product (``/bookings/123``) or an http(s) URL."""
    data: Mapping[str, Any] = field(factory=dict)
    """Free JSON for clients (ids to open, a kind to pick an icon ...)."""
    email_kind: str | None = None
    """None: never emailed; else the kind of email (``security``, ``booking`` ...) whose
    setting of the recipient's decides (see notifications' ``EmailKind``)."""
    collapse_key: str | None = None
    """Notices with one key collapse (``conversation:<id>``): while the recipient has an
    unread notification of this key, a new notice updates that one instead of adding
    another, and sends no email of its own."""


@frozen
class NoticeRule:
    """Tell someone about each ``event`` (that ``when`` accepts): ``notice`` says who and what
    (None: nothing to say). ``handler`` is the stable name of the delivering job."""

    event: type[DomainEvent]
    handler: str
    notice: Callable[[Any], Notice | None]
    when: Callable[[Any], bool] | None = None
