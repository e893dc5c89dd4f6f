"""The harness of notifications' suites: Alora composed on a backend, a mailer that can refuse
addresses, a real-time port that records what it publishes, and shortcuts for the commands.

Alora runs the handlers of a command's events before the bus returns; ``run_handler`` runs one
again as the job runner does: in a unit of work of its own, committed afterwards, with the
event read back from its JSON message.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from attrs import define, field

from adapters.memory.mail import MemoryMailer
from alora_core.identity.model import Role, UserSettings
from alora_core.notifications import commands as c
from alora_core.notifications.model import EmailKind, Notification, NotificationType
from alora_core.notifications.use_cases import NotificationsDeps, command_handlers
from alora_core.shared.actor import Actor
from alora_core.shared.clock import FixedClock
from alora_core.shared.commands import Command
from alora_core.shared.events import DomainEvent
from alora_core.shared.jobs import Subscriptions
from alora_core.shared.mail import EmailMessage
from alora_core.shared.realtime import Push
from alora_core.shared.serialization import event_from_message, event_to_message
from entrypoints.bootstrap import Alora
from entrypoints.platform import configured_branding
from support.builders import add_user, change_user, delete_user

# 12:00 UTC: 13:00 in Berlin (winter), 07:00 in New York.
START = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
PUBLIC_URL = "https://alora.example"
T = TypeVar("T")


@define
class RecordingRealtime:
    """Records what is published; ``calls`` counts the calls, and ``before_publish`` (when set)
    is awaited with each call's pushes before they are recorded."""

    published: list[tuple[str, str, dict[str, Any]]] = field(factory=list)
    calls: int = 0
    before_publish: Callable[[list[Push]], Awaitable[None]] | None = None

    async def publish(self, topic: str, event: str, data: dict[str, Any]) -> None:
        await self.publish_many([Push(topic, event, data)])

    async def publish_many(self, pushes: Sequence[Push]) -> None:
        self.calls += 1
        if self.before_publish is not None:
            await self.before_publish(list(pushes))
        self.published.extend((push.topic, push.event, push.data) for push in pushes)


class FlakyMailer(MemoryMailer):
    """Refuses messages to the addresses in ``refuse``."""

    def __init__(self) -> None:
        super().__init__()
        self.refuse: set[str] = set()

    async def send(self, message: EmailMessage) -> None:
        if message.to in self.refuse:
            raise ConnectionError("the mail server is away")
        await super().send(message)


def as_user(user_id: uuid.UUID) -> Actor:
    return Actor(user_id=user_id, role=Role.CUSTOMER)


@define
class Harness:
    alora: Alora
    clock: FixedClock
    mailer: FlakyMailer
    realtime: RecordingRealtime
    committed: list[DomainEvent]

    def uow_factory(self) -> Any:
        return self.alora.units_of_work["notifications"]()

    async def handle(self, command: Command[T]) -> T:
        return await self.alora.bus.handle(command)

    def new_events(self) -> list[DomainEvent]:
        """The events committed since the last call (their handlers have run)."""
        events, self.committed[:] = list(self.committed), []
        return events

    async def run_handler(
        self, handler: str, event: DomainEvent, subscriptions: Subscriptions | None = None
    ) -> None:
        subscription = (subscriptions or self.alora.subscriptions).get(handler)
        received = event_from_message(event_to_message(event))
        async with subscription.unit_of_work() as uow:
            await subscription.handle(received, uow)
            await uow.commit()

    async def send_held_emails(self, batch: int) -> int:
        """``SendHeldEmails``, ``batch`` emails at a time (Alora's batches are larger than a
        test's whole mail)."""
        deps = NotificationsDeps(
            clock=self.clock,
            mailer=self.mailer,
            branding=configured_branding(self.alora.settings),
            held_emails_batch=batch,
        )
        send = command_handlers(deps)[c.SendHeldEmails]
        sent: int = await send(c.SendHeldEmails(), self.uow_factory())
        return sent

    async def add_user(self, name: str, **settings: Any) -> uuid.UUID:
        return (await add_user(self.alora, name, **settings)).id

    async def change_settings(self, user_id: uuid.UUID, **settings: Any) -> None:
        now = self.clock.now()
        await change_user(
            self.alora, user_id, lambda user: user.replace_settings(UserSettings(**settings), now)
        )

    async def delete_user(self, user_id: uuid.UUID) -> None:
        await delete_user(self.alora, user_id)

    async def notify(
        self, recipient_id: uuid.UUID, title: str = "Hello", **fields: Any
    ) -> uuid.UUID:
        if fields.get("email_kind") is not None:
            fields["email_kind"] = EmailKind(fields["email_kind"])
        command = c.Notify(
            recipient_id=recipient_id,
            type=NotificationType(fields.pop("type", "info")),
            title=title,
            body=fields.pop("body", "A body"),
            **fields,
        )
        notification_id: uuid.UUID = await self.handle(command)
        return notification_id

    async def stored(self, notification_id: uuid.UUID) -> Notification | None:
        async with self.uow_factory() as uow:
            notification: Notification | None = await uow.notifications.get(notification_id)
            return notification

    async def page(self, user_id: uuid.UUID, **query: Any) -> Any:
        return await self.handle(c.ListNotifications(actor=as_user(user_id), **query))

    async def unread(self, user_id: uuid.UUID) -> int:
        count: int = await self.handle(c.CountUnread(actor=as_user(user_id)))
        return count
