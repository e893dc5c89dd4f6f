"""Notifications' use cases, one async function per command, and the rules for their input."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import math
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

from attrs import frozen

from alora_core.notifications import commands as c
from alora_core.notifications.mails import notification_email
from alora_core.notifications.model import (
    EmailKind,
    NewNotification,
    Notification,
    NotificationType,
)
from alora_core.notifications.ports import NotificationsUnitOfWork
from alora_core.shared.audit import AuditEntry
from alora_core.shared.clock import Clock
from alora_core.shared.errors import FieldError, Forbidden, Invalid, NotFound
from alora_core.shared.mail import Branding, Mailer
from alora_core.shared.pagination import MAX_PAGE_SIZE, CursorPage
from alora_core.shared.retry import retrying_on_stale
from alora_core.shared.text import has_control_characters

logger = logging.getLogger("alora.notifications")

T = TypeVar("T")

MAX_TITLE = 200
MAX_BODY = 2000
MAX_LINK = 2000
MAX_COLLAPSE_KEY = 200
MAX_DATA_BYTES = 16 * 1024
MAX_DATA_DEPTH = 32
_INT64 = 2**63
# A write racing another on the same notification (reading it, emailing it) tries again.
# One run of SendHeldEmails sends at most this many batches; the next run goes on.
MAX_BATCHES = 50


@frozen(kw_only=True)
class NotificationsDeps:
    clock: Clock
    mailer: Mailer
    branding: Branding
    held_emails_batch: int = 100
    email_retry_delay: timedelta = timedelta(minutes=5)
    """A held email the mailer refused is tried again this much later."""


# --- notify -----------------------------------------------------------------------------------


async def notify(cmd: c.Notify, uow: NotificationsUnitOfWork, deps: NotificationsDeps) -> uuid.UUID:
    """Store a notification (its ``NotificationCreated`` event pushes and emails it)."""
    checked = _checked(cmd)
    async with uow:
        notification = await _add(checked, uow, deps.clock)
        await uow.commit()
    return notification.id


async def add_notification(
    cmd: c.Notify, uow: NotificationsUnitOfWork, clock: Clock
) -> Notification:
    """``notify`` inside a unit of work that is open already (an event handler's); the caller
    commits. ``NotFound`` when the recipient does not exist."""
    return await _add(_checked(cmd), uow, clock)


async def announce(cmd: c.Announce, uow: NotificationsUnitOfWork, deps: NotificationsDeps) -> int:
    """Store one notification per existing recipient, in one transaction; returns how many.
    Audited.

    One batch however many recipients: which exist is read together, and their notifications
    are added together, as rows (their ``NotificationCreated`` events are pushed after commit;
    never emailed, they make no job)."""
    if not cmd.actor.is_admin:
        raise Forbidden("only administrators may do this")
    recipients = list(dict.fromkeys(cmd.recipient_ids))
    if not 1 <= len(recipients) <= c.MAX_ANNOUNCEMENT_RECIPIENTS:
        raise Invalid.field(
            "recipient_ids", f"give 1 to {c.MAX_ANNOUNCEMENT_RECIPIENTS} recipients"
        )
    checked = _checked(
        c.Notify(
            recipient_id=recipients[0],
            type=cmd.type,
            title=cmd.title,
            body=cmd.body,
            link=cmd.link,
            data=cmd.data,
        )
    )
    async with uow:
        existing = await uow.recipients.existing(recipients)
        now = deps.clock.now()
        notifications = [
            NewNotification(
                recipient_id=recipient_id,
                type=checked.type,
                title=checked.title,
                body=checked.body,
                link=checked.link,
                data=checked.data,
                created_at=now,
            )
            for recipient_id in recipients
            if recipient_id in existing
        ]
        await uow.notifications.add_many(notifications)
        await uow.audit_log.add(
            AuditEntry(
                actor_id=cmd.actor.require_user_id(),
                action="notification.announce",
                target_type="notification",
                target_id="-",
                occurred_at=now,
                details={"title": checked.title, "recipients": len(notifications)},
            )
        )
        await uow.commit()
    return len(notifications)


@frozen(kw_only=True)
class _Checked:
    recipient_id: uuid.UUID
    type: NotificationType
    title: str
    body: str
    link: str | None
    data: dict[str, Any]
    email_kind: EmailKind | None
    collapse_key: str | None = None


async def _add(checked: _Checked, uow: NotificationsUnitOfWork, clock: Clock) -> Notification:
    recipient = await uow.recipients.get(checked.recipient_id)
    if recipient is None:
        raise NotFound("no such recipient")
    now = clock.now()
    key = checked.collapse_key
    if key is not None and (told := await uow.notifications.unread_of_key(recipient.user_id, key)):
        told.retell(
            type=checked.type,
            title=checked.title,
            body=checked.body,
            link=checked.link,
            data=checked.data,
            now=now,
        )
        return told
    kind = checked.email_kind
    notification = Notification.create(
        recipient_id=recipient.user_id,
        type=checked.type,
        title=checked.title,
        body=checked.body,
        link=checked.link,
        data=checked.data,
        email_kind=kind,
        email_due_at=None if kind is None else recipient.email_due_at(kind, now),
        now=now,
        collapse_key=key,
    )
    await uow.notifications.add(notification)
    return notification


def _checked(cmd: c.Notify) -> _Checked:
    errors: list[FieldError] = []

    def refuse(field: str, message: str) -> None:
        errors.append(FieldError(field, message))

    title = cmd.title.strip()
    if not 1 <= len(title) <= MAX_TITLE:
        refuse("title", f"must have 1 to {MAX_TITLE} characters")
    elif has_control_characters(title):
        refuse("title", "must be one line without control characters")
    body = cmd.body.strip()
    if len(body) > MAX_BODY:
        refuse("body", f"must have at most {MAX_BODY} characters")
    elif has_control_characters(body, allowed="\n\t"):
        refuse("body", "must not hold control characters")
    link = (cmd.link or "").strip() or None
    if link is not None and (problem := _link_problem(link)):
        refuse("link", problem)
    data, problem = _json_object(cmd.data)
    if problem:
        refuse("data", problem)
    key = cmd.collapse_key
    if key is not None and not (0 < len(key) <= MAX_COLLAPSE_KEY and key.isprintable()):
        refuse("collapse_key", f"must be 1 to {MAX_COLLAPSE_KEY} printable characters")
    if errors:
        raise Invalid("the notification has invalid fields", errors)
    return _Checked(
        recipient_id=cmd.recipient_id,
        type=cmd.type,
        title=title,
        body=body,
        link=link,
        data=data,
        email_kind=cmd.email_kind,
        collapse_key=key,
    )


def _link_problem(link: str) -> str | None:
    if len(link) > MAX_LINK:
        return f"must have at most {MAX_LINK} characters"
    if any(ch.isspace() for ch in link) or has_control_characters(link) or "\\" in link:
        return "must not hold spaces, backslashes or control characters"
    if link.startswith("/"):
        return "must be a path (one leading slash)" if link.startswith("//") else None
    parts = urlsplit(link)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return "must be a path starting with / or an http(s) URL"
    return None


def _json_object(data: object) -> tuple[dict[str, Any], str | None]:
    """``data`` as a plain JSON object, or the reason it cannot be one."""
    if not isinstance(data, Mapping):
        return {}, "must be a JSON object"
    problem = _json_problem(data, 0)
    if problem:
        return {}, problem
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    if len(text.encode()) > MAX_DATA_BYTES:
        return {}, f"must be at most {MAX_DATA_BYTES // 1024} KiB as JSON"
    plain: dict[str, Any] = json.loads(text)
    return plain, None


def _json_problem(value: object, depth: int) -> str | None:
    if depth > MAX_DATA_DEPTH:
        return f"must nest at most {MAX_DATA_DEPTH} levels"
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if -_INT64 <= value < _INT64 else "integers must fit in 64 bits"
    if isinstance(value, float):
        return None if math.isfinite(value) else "numbers must be finite"
    if isinstance(value, str):
        return "text must not hold NUL characters" if "\x00" in value else None
    if isinstance(value, list | tuple):
        return next(filter(None, (_json_problem(item, depth + 1) for item in value)), None)
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                return "keys must be text"
            problem = _json_problem(key, depth + 1) or _json_problem(item, depth + 1)
            if problem:
                return problem
        return None
    return f"cannot hold a {type(value).__name__}"


# --- reading ------------------------------------------------------------------------------------


def encode_cursor(notification_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(notification_id.bytes).rstrip(b"=").decode()


def decode_cursor(cursor: str) -> uuid.UUID:
    """The id a cursor names; ``Invalid`` (field ``cursor``) for anything we did not make."""
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii") + b"==")
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raw = b""
    if len(raw) != 16 or encode_cursor(uuid.UUID(bytes=raw)) != cursor:
        raise Invalid.field("cursor", "is not a cursor from this list; start without one")
    return uuid.UUID(bytes=raw)


async def list_notifications(
    cmd: c.ListNotifications, uow: NotificationsUnitOfWork, deps: NotificationsDeps
) -> CursorPage[Notification]:
    if not 1 <= cmd.limit <= MAX_PAGE_SIZE:
        raise Invalid.field("limit", f"must be 1 to {MAX_PAGE_SIZE}")
    before = None if cmd.cursor is None else decode_cursor(cmd.cursor)
    async with uow.reading():
        found = await uow.notifications.page(
            cmd.actor.require_user_id(),
            before=before,
            limit=cmd.limit + 1,
            unread_only=cmd.unread_only,
        )
    items = found[: cmd.limit]
    more = len(found) > cmd.limit
    return CursorPage(items=items, next_cursor=encode_cursor(items[-1].id) if more else None)


async def count_unread(
    cmd: c.CountUnread, uow: NotificationsUnitOfWork, deps: NotificationsDeps
) -> int:
    async with uow.reading():
        return await uow.notifications.count_unread(cmd.actor.require_user_id())


# --- changing ----------------------------------------------------------------------------------


async def _own(
    uow: NotificationsUnitOfWork, recipient_id: uuid.UUID, notification_id: uuid.UUID
) -> Notification:
    """The recipient's notification; anyone else's is as unknown as a missing one."""
    notification = await uow.notifications.get(notification_id)
    if notification is None or notification.recipient_id != recipient_id:
        raise NotFound("no such notification")
    return notification


async def mark_read(
    cmd: c.MarkRead, uow: NotificationsUnitOfWork, deps: NotificationsDeps
) -> Notification:
    """Mark one notification read; reading it again changes nothing."""

    async def attempt() -> Notification:
        async with uow:
            notification = await _own(uow, cmd.actor.require_user_id(), cmd.notification_id)
            if notification.mark_read(deps.clock.now()):
                await uow.commit()
        return notification

    return await retrying_on_stale(attempt)


async def mark_all_read(
    cmd: c.MarkAllRead, uow: NotificationsUnitOfWork, deps: NotificationsDeps
) -> int:
    """Mark every unread notification of the recipient read; how many there were."""
    now = deps.clock.now()
    async with uow:
        ids = await uow.notifications.mark_all_read(cmd.actor.require_user_id(), now)
        if not ids:
            return 0
        carrier = await uow.notifications.get(max(ids))
        if carrier is not None:
            carrier.announce_all_read(now)
        await uow.commit()
    return len(ids)


async def delete_notification(
    cmd: c.DeleteNotification, uow: NotificationsUnitOfWork, deps: NotificationsDeps
) -> None:
    async def attempt() -> None:
        async with uow:
            notification = await _own(uow, cmd.actor.require_user_id(), cmd.notification_id)
            notification.delete(deps.clock.now())
            await uow.notifications.delete(notification)
            await uow.commit()

    await retrying_on_stale(attempt)


# --- emails ------------------------------------------------------------------------------------


async def email_if_due(
    notification_id: uuid.UUID, uow: NotificationsUnitOfWork, deps: NotificationsDeps
) -> bool:
    """Inside an open unit of work (the caller commits): send the notification's email when it
    is due now and not sent yet; True when it was sent. A failure to send raises."""
    now = deps.clock.now()
    notification = await uow.notifications.get_for_update(notification_id)
    if notification is None or not notification.email_is_due(now):
        return False
    recipient = await uow.recipients.get(notification.recipient_id)
    if not notification.decide_email(recipient, now) or recipient is None:
        return False
    notification.mark_emailed(now)
    await deps.mailer.send(notification_email(notification, recipient, deps.branding))
    return True


async def send_held_emails(
    cmd: c.SendHeldEmails, uow: NotificationsUnitOfWork, deps: NotificationsDeps
) -> int:
    """Send every email whose time has come, in batches of one transaction each; how many
    were sent. An email the mailer refuses is tried again later; the others still go."""
    sent = 0
    for _ in range(MAX_BATCHES):
        async with uow:
            now = deps.clock.now()
            due = await uow.notifications.due_emails(now, deps.held_emails_batch)
            if not due:
                break
            sent += await _send_batch(due, uow, deps, now)
            await uow.commit()
        if len(due) < deps.held_emails_batch:
            break
    return sent


async def _send_batch(
    due: list[Notification], uow: NotificationsUnitOfWork, deps: NotificationsDeps, now: datetime
) -> int:
    sent = 0
    for notification in due:
        recipient = await uow.recipients.get(notification.recipient_id)
        if not notification.decide_email(recipient, now) or recipient is None:
            continue
        notification.mark_emailed(now)
        try:
            await deps.mailer.send(notification_email(notification, recipient, deps.branding))
        except Exception:
            logger.exception(
                "could not send a notification email; it is tried again later",
                extra={"notification_id": str(notification.id)},
            )
            notification.retry_email_at(now + deps.email_retry_delay)
        else:
            sent += 1
    return sent


# --- wiring ------------------------------------------------------------------------------------

USE_CASES: dict[type, Callable[..., Any]] = {
    c.Notify: notify,
    c.Announce: announce,
    c.ListNotifications: list_notifications,
    c.CountUnread: count_unread,
    c.MarkRead: mark_read,
    c.MarkAllRead: mark_all_read,
    c.DeleteNotification: delete_notification,
    c.SendHeldEmails: send_held_emails,
}


def command_handlers(deps: NotificationsDeps) -> dict[type, Callable[..., Any]]:
    """Each notifications command bound to its use case and the context's dependencies."""
    return {command: partial(use_case, deps=deps) for command, use_case in USE_CASES.items()}
