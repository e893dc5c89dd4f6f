"""Notifications' reactions to events: real-time pushes, the email of a notification, and the
delivery of every context's notices.

The email and the notices run as jobs (from the outbox) inside an open unit of work, which the
job runner commits afterwards. Pushes are not jobs: ``push_after_commit`` sends them from the
process that committed the events, right after the commit (decision 0017); a push that is lost
is read on the next listing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

from alora_core.notifications.commands import Notify
from alora_core.notifications.events import (
    NotificationCreated,
    NotificationsRead,
    NotificationUpdated,
)
from alora_core.notifications.model import EmailKind
from alora_core.notifications.ports import NotificationsUnitOfWork
from alora_core.notifications.use_cases import NotificationsDeps, add_notification, email_if_due
from alora_core.shared.clock import Clock
from alora_core.shared.errors import NotFound
from alora_core.shared.events import DomainEvent
from alora_core.shared.jobs import ContextSubscriptions, EventHandler
from alora_core.shared.mail import Branding, Mailer
from alora_core.shared.messagebus import AfterCommit
from alora_core.shared.notices import NoticeRule
from alora_core.shared.realtime import Push, Realtime, user_topic


def json_time(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, as the HTTP API writes times."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def created_json(event: NotificationCreated | NotificationUpdated) -> dict[str, Any]:
    """The new (or updated, still unread) notification exactly as ``GET
    /api/v1/notifications`` lists it (camelCase)."""
    return {
        "id": str(event.notification_id),
        "type": event.type,
        "title": event.title,
        "body": event.body,
        "link": event.link,
        "data": event.data,
        "read": False,
        "createdAt": json_time(event.created_at),
        "readAt": None,
    }


def read_json(event: NotificationsRead) -> dict[str, Any]:
    return {
        "ids": [str(notification_id) for notification_id in event.notification_ids],
        "all": event.all,
        "readAt": json_time(event.read_at),
    }


def pushes_of(events: Sequence[DomainEvent]) -> list[Push]:
    """What connected users see of ``events``: each new or updated notification, and what was
    read, on the recipient's topic, in the order of the events."""
    pushes: list[Push] = []
    for event in events:
        if isinstance(event, NotificationCreated | NotificationUpdated):
            pushes.append(Push(user_topic(event.recipient_id), event.name, created_json(event)))
        elif isinstance(event, NotificationsRead):
            pushes.append(
                Push(user_topic(event.recipient_id), NotificationsRead.name, read_json(event))
            )
    return pushes


def push_after_commit(realtime: Realtime) -> AfterCommit:
    """The after-commit hook pushing ``pushes_of`` the committed events, all in one
    ``publish_many``."""

    async def push(events: list[DomainEvent]) -> None:
        pushes = pushes_of(events)
        if pushes:
            await realtime.publish_many(pushes)

    return push


async def email(
    event: NotificationCreated, uow: NotificationsUnitOfWork, deps: NotificationsDeps
) -> None:
    """Send the email now when it is due now; held ones go out with ``SendHeldEmails``."""
    await email_if_due(event.notification_id, uow, deps)


def subscribe(
    subscriptions: ContextSubscriptions,
    *,
    mailer: Mailer,
    branding: Branding,
    clock: Clock,
) -> None:
    """The jobs of notifications' own events: the email of a notification that has one (a
    notification with no email gets no outbox row at all)."""
    deps = NotificationsDeps(clock=clock, mailer=mailer, branding=branding)
    subscriptions.add(
        NotificationCreated,
        "notifications.email",
        partial(email, deps=deps),
        when=lambda event: event.email_kind is not None,
    )


def deliver_notices(
    subscriptions: ContextSubscriptions, rules: Iterable[NoticeRule], clock: Clock
) -> None:
    """Subscribe the delivery of every context's notices (``alora_core.shared.notices``): each
    rule's notice is stored as a notification in the handler's unit of work; nothing happens
    when its recipient no longer exists."""
    for rule in rules:
        subscriptions.add(rule.event, rule.handler, _delivery(rule, clock), when=rule.when)


def _delivery(rule: NoticeRule, clock: Clock) -> EventHandler:
    async def handle(event: Any, uow: NotificationsUnitOfWork) -> None:
        notice = rule.notice(event)
        if notice is None:
            return
        command = Notify(
            recipient_id=notice.recipient_id,
            type=notice.type,
            title=notice.title,
            body=notice.body,
            link=notice.link,
            data=notice.data,
            email_kind=None if notice.email_kind is None else EmailKind(notice.email_kind),
            collapse_key=notice.collapse_key,
        )
        try:
            await add_notification(command, uow, clock)
        except NotFound:
            return

    return handle
