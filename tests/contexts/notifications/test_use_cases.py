"""Notifications' use cases and handlers, on every backend (memory, SQLite, PostgreSQL).

The ``n`` fixture composes Alora on the test's backend with a ``FixedClock``, a mailer that can
refuse addresses and a real-time port that records what it publishes; links in emails start
with ``https://alora.example``. Alora runs the handlers of a command's events before the bus
returns; ``n.run_handler`` runs one again as the job runner does: in a unit of work of its own,
committed afterwards, with the event read back from its JSON message.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from attrs import define, field

from adapters.memory.mail import MemoryMailer
from adapters.memory.presence import MemoryPresence
from alora_core.identity.model import Role, UserSettings
from alora_core.notifications import commands as c
from alora_core.notifications.events import (
    NotificationCreated,
    NotificationDeleted,
    NotificationsRead,
)
from alora_core.notifications.handlers import deliver_notices
from alora_core.notifications.model import EmailKind, Notification, NotificationType
from alora_core.notifications.use_cases import NotificationsDeps, command_handlers
from alora_core.shared.actor import Actor
from alora_core.shared.clock import FixedClock
from alora_core.shared.commands import Command
from alora_core.shared.errors import Invalid, NotFound
from alora_core.shared.events import DomainEvent
from alora_core.shared.ids import new_id
from alora_core.shared.jobs import Subscriptions
from alora_core.shared.mail import EmailMessage
from alora_core.shared.notices import Notice, NoticeRule
from alora_core.shared.realtime import user_topic
from alora_core.shared.serialization import event_from_message, event_to_message
from entrypoints.bootstrap import Alora
from entrypoints.platform import configured_branding
from entrypoints.realtime_wiring import RealtimeParts
from support.backends import Backend, committed_events
from support.builders import add_user, change_user, delete_user

# 12:00 UTC: 13:00 in Berlin (winter), 07:00 in New York.
START = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
PUBLIC_URL = "https://alora.example"
T = TypeVar("T")


@define
class RecordingRealtime:
    published: list[tuple[str, str, dict[str, Any]]] = field(factory=list)

    async def publish(self, topic: str, event: str, data: dict[str, Any]) -> None:
        self.published.append((topic, event, data))


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


@pytest.fixture
async def n(backend: Backend) -> Harness:
    clock = FixedClock(START)
    mailer = FlakyMailer()
    realtime = RecordingRealtime()
    presence = MemoryPresence(clock, socket_ttl=timedelta(minutes=1), grace=timedelta(seconds=10))
    alora = await backend.build(
        clock=clock,
        mailer=mailer,
        realtime=RealtimeParts(realtime, presence),
        environ={"ALORA_PUBLIC_URL": PUBLIC_URL},
    )
    return Harness(alora, clock, mailer, realtime, committed_events(alora))


# --- notify ---------------------------------------------------------------------------------------


async def test_notify_stores_records_and_pushes(n: Harness) -> None:
    ana = await n.add_user("ana")
    notification_id = await n.notify(
        ana, "Booking confirmed", type="success", body="  See you on Friday.  ",
        link="/bookings/1", data={"bookingId": "b-1", "count": 2, "tags": ["a", None]},
    )  # fmt: skip
    stored = await n.stored(notification_id)
    assert stored is not None
    assert (stored.title, stored.body, stored.link) == (
        "Booking confirmed", "See you on Friday.", "/bookings/1"
    )  # fmt: skip
    assert stored.data == {"bookingId": "b-1", "count": 2, "tags": ["a", None]}
    assert stored.created_at == START and stored.read_at is None
    assert stored.email_due_at is None and stored.emailed_at is None

    [created] = n.new_events()
    assert isinstance(created, NotificationCreated)
    assert created.notification_id == notification_id and created.recipient_id == ana
    assert n.realtime.published == [
        (
            user_topic(ana),
            "notification.created",
            {
                "id": str(notification_id),
                "type": "success",
                "title": "Booking confirmed",
                "body": "See you on Friday.",
                "link": "/bookings/1",
                "data": {"bookingId": "b-1", "count": 2, "tags": ["a", None]},
                "read": False,
                "createdAt": "2030-01-15T12:00:00Z",
                "readAt": None,
            },
        )
    ]
    assert n.mailer.sent == []  # no email_kind: never emailed


async def test_notify_an_unknown_user_is_not_found(n: Harness) -> None:
    with pytest.raises(NotFound):
        await n.notify(uuid.uuid4())


@pytest.mark.parametrize(
    ("fields", "field_name"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "two\nlines"}, "title"),
        ({"body": "x" * 2001}, "body"),
        ({"body": "nul\x00"}, "body"),
        ({"link": "javascript:alert(1)"}, "link"),
        ({"link": "//evil.example/x"}, "link"),
        ({"link": "https:///no-host"}, "link"),
        ({"link": "/with space"}, "link"),
        ({"link": "/" + "x" * 2000}, "link"),
        ({"link": "ftp://files.example/x"}, "link"),
        ({"data": {"x": "y" * 17_000}}, "data"),
        ({"data": {1: "int key"}}, "data"),
        ({"data": {"when": datetime(2030, 1, 1, tzinfo=UTC)}}, "data"),
        ({"data": {"nan": float("nan")}}, "data"),
        ({"data": {"big": 2**64}}, "data"),
        ({"data": {"nul": "a\x00b"}}, "data"),
        ({"data": ["not", "an", "object"]}, "data"),
    ],
)
async def test_notify_refuses_bad_input(
    n: Harness, fields: dict[str, Any], field_name: str
) -> None:
    ana = await n.add_user("ana")
    with pytest.raises(Invalid) as raised:
        await n.notify(ana, **({"title": "Fine"} | fields))
    assert field_name in {error.field for error in raised.value.errors}
    assert await n.unread(ana) == 0


async def test_notify_reports_every_bad_field_at_once(n: Harness) -> None:
    ana = await n.add_user("ana")
    with pytest.raises(Invalid) as raised:
        await n.notify(ana, "", link="mailto:x@example.com", data={"nan": float("nan")})
    assert {e.field for e in raised.value.errors} == {"title", "link", "data"}


@pytest.mark.parametrize(
    "link", ["/bookings/1?tab=details#top", "https://example.com/a?b=c", "HTTP://EXAMPLE.COM"]
)
async def test_notify_accepts_paths_and_web_links(n: Harness, link: str) -> None:
    ana = await n.add_user("ana")
    stored = await n.stored(await n.notify(ana, link=link))
    assert stored is not None and stored.link == link


async def test_a_blank_link_is_no_link_and_data_at_the_limit_is_fine(n: Harness) -> None:
    ana = await n.add_user("ana")
    data = {"x": "y" * (16 * 1024 - len('{"x":""}'))}
    stored = await n.stored(await n.notify(ana, link="  ", data=data))
    assert stored is not None and stored.link is None and stored.data == data


# --- listing, counting ----------------------------------------------------------------------------


async def test_lists_are_newest_first_in_cursor_pages(n: Harness) -> None:
    ana, bob = await n.add_user("ana"), await n.add_user("bob")
    ids = [await n.notify(ana, f"n{i}") for i in range(7)]
    await n.notify(bob, "not ana's")

    seen: list[uuid.UUID] = []
    cursor = None
    pages = 0
    while True:
        page = await n.page(ana, cursor=cursor, limit=3)
        seen += [item.id for item in page.items]
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ids[::-1]
    assert pages == 3

    exact = await n.page(ana, limit=7)
    assert len(exact.items) == 7 and exact.next_cursor is None
    assert (await n.page(uuid.uuid4())).items == []


async def test_unread_only_lists_and_counts(n: Harness) -> None:
    ana = await n.add_user("ana")
    ids = [await n.notify(ana, f"n{i}") for i in range(4)]
    await n.handle(c.MarkRead(actor=as_user(ana), notification_id=ids[1]))
    assert await n.unread(ana) == 3
    page = await n.page(ana, unread_only=True, limit=2)
    assert [item.id for item in page.items] == [ids[3], ids[2]]
    rest = await n.page(ana, unread_only=True, limit=2, cursor=page.next_cursor)
    assert [item.id for item in rest.items] == [ids[0]] and rest.next_cursor is None


@pytest.mark.parametrize("limit", [0, -1, 101])
async def test_limits_outside_1_to_100_are_invalid(n: Harness, limit: int) -> None:
    with pytest.raises(Invalid) as raised:
        await n.page(uuid.uuid4(), limit=limit)
    assert raised.value.errors[0].field == "limit"


@pytest.mark.parametrize(
    "cursor",
    ["", "x", "not a cursor", "AAAAAAAAAAAAAAAAAAAAAB", "AAAAAAAAAAAAAAAAAAAAAA==", "é" * 22],
)
async def test_bad_cursors_are_invalid(n: Harness, cursor: str) -> None:
    with pytest.raises(Invalid) as raised:
        await n.page(uuid.uuid4(), cursor=cursor)
    assert raised.value.errors[0].field == "cursor"


# --- reading, deleting ----------------------------------------------------------------------------


async def test_mark_read_once_records_one_event_and_pushes_it(n: Harness) -> None:
    ana = await n.add_user("ana")
    notification_id = await n.notify(ana)
    n.new_events()
    n.clock.advance(timedelta(minutes=5))

    read = await n.handle(c.MarkRead(actor=as_user(ana), notification_id=notification_id))
    assert read.read_at == START + timedelta(minutes=5)
    [event] = n.new_events()
    assert isinstance(event, NotificationsRead)
    assert (event.notification_ids, event.all) == ([notification_id], False)
    assert n.realtime.published[-1] == (
        user_topic(ana),
        "notification.read",
        {"ids": [str(notification_id)], "all": False, "readAt": "2030-01-15T12:05:00Z"},
    )

    n.clock.advance(timedelta(minutes=5))
    again = await n.handle(c.MarkRead(actor=as_user(ana), notification_id=notification_id))
    assert again.read_at == START + timedelta(minutes=5)  # unchanged
    assert n.new_events() == []  # no event


async def test_mark_all_read(n: Harness) -> None:
    ana, bob = await n.add_user("ana"), await n.add_user("bob")
    ids = [await n.notify(ana, f"n{i}") for i in range(3)]
    bobs = await n.notify(bob)
    await n.handle(c.MarkRead(actor=as_user(ana), notification_id=ids[0]))
    n.new_events()
    n.clock.advance(timedelta(minutes=1))

    assert await n.handle(c.MarkAllRead(actor=as_user(ana))) == 2
    [event] = n.new_events()
    assert isinstance(event, NotificationsRead)
    assert (event.recipient_id, event.notification_ids, event.all) == (ana, [], True)
    assert n.realtime.published[-1][1:] == (
        "notification.read", {"ids": [], "all": True, "readAt": "2030-01-15T12:01:00Z"}
    )  # fmt: skip
    assert await n.unread(ana) == 0 and await n.unread(bob) == 1
    for notification_id in ids[1:]:
        stored = await n.stored(notification_id)
        assert stored is not None and stored.read_at == START + timedelta(minutes=1)
    first = await n.stored(ids[0])
    assert first is not None and first.read_at == START  # read before: untouched

    # Read state is versioned: a single mark after the bulk one still works.
    assert (await n.handle(c.MarkRead(actor=as_user(ana), notification_id=ids[2]))).read_at
    assert await n.handle(c.MarkAllRead(actor=as_user(ana))) == 0
    assert n.new_events() == []
    assert (await n.stored(bobs)).read_at is None  # type: ignore[union-attr]


async def test_delete(n: Harness) -> None:
    ana = await n.add_user("ana")
    notification_id = await n.notify(ana)
    n.new_events()
    await n.handle(c.DeleteNotification(actor=as_user(ana), notification_id=notification_id))
    [event] = n.new_events()
    assert isinstance(event, NotificationDeleted)
    assert (event.notification_id, event.recipient_id, event.was_unread) == (
        notification_id, ana, True
    )  # fmt: skip
    assert await n.stored(notification_id) is None
    assert await n.unread(ana) == 0
    with pytest.raises(NotFound):
        await n.handle(c.DeleteNotification(actor=as_user(ana), notification_id=notification_id))


@pytest.mark.parametrize("command", [c.MarkRead, c.DeleteNotification])
async def test_only_the_recipient_touches_a_notification(n: Harness, command: type) -> None:
    ana, bob = await n.add_user("ana"), await n.add_user("bob")
    notification_id = await n.notify(ana)
    for recipient, target in ((bob, notification_id), (ana, uuid.uuid4())):
        with pytest.raises(NotFound, match="no such notification"):
            await n.handle(command(actor=as_user(recipient), notification_id=target))
    assert await n.handle(c.MarkAllRead(actor=as_user(bob))) == 0
    stored = await n.stored(notification_id)
    assert stored is not None and stored.read_at is None


async def test_concurrent_reads_and_deletes_of_one_notification(n: Harness) -> None:
    ana = await n.add_user("ana")
    ids = [await n.notify(ana, f"n{i}") for i in range(2)]
    reads = [c.MarkRead(actor=as_user(ana), notification_id=ids[0]) for _ in range(5)]
    results = await asyncio.gather(*(n.handle(command) for command in reads))
    assert all(result.read_at is not None for result in results)
    await n.handle(c.MarkRead(actor=as_user(ana), notification_id=ids[1]))
    outcomes = await asyncio.gather(
        n.handle(c.DeleteNotification(actor=as_user(ana), notification_id=ids[0])),
        n.handle(c.MarkAllRead(actor=as_user(ana))),
        return_exceptions=True,
    )
    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    assert await n.stored(ids[0]) is None


async def test_deleting_a_user_deletes_their_notifications(n: Harness) -> None:
    ana, bob = await n.add_user("ana"), await n.add_user("bob")
    anas = await n.notify(ana)
    bobs = await n.notify(bob)
    await n.delete_user(ana)
    assert await n.stored(anas) is None
    assert await n.stored(bobs) is not None


# --- emails ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "preference"),
    [
        ("account", "email_notifications"),
        ("security", "email_notifications"),
        ("marketing", "marketing_emails"),
        ("booking", "booking_reminders"),
        ("review", "review_notifications"),
    ],
)
async def test_each_kind_of_email_follows_its_preference(
    n: Harness, kind: str, preference: str
) -> None:
    yes = await n.add_user("yes", **{preference: True})
    no = await n.add_user("no", **{preference: False})
    for user in (yes, no):
        await n.notify(user, "Something happened", email_kind=kind)
    n.new_events()
    assert len(n.mailer.to("yes@example.com")) == 1
    assert n.mailer.to("no@example.com") == []


async def test_the_email_goes_at_once_outside_quiet_hours(n: Harness) -> None:
    ana = await n.add_user("ana", timezone="Europe/Berlin", quiet_hours_start="22:00",
                           quiet_hours_end="07:00")  # fmt: skip
    notification_id = await n.notify(
        ana, "Password changed", body="Your password was changed.\nWas it you?",
        link="/settings/security", email_kind="security",
    )  # fmt: skip
    stored = await n.stored(notification_id)
    assert stored is not None and stored.email_due_at == START  # 13:00 in Berlin
    n.new_events()
    [message] = n.mailer.to("ana@example.com")
    assert message.subject == "Password changed · Alora"
    assert "Hello Ana Example," in message.text
    assert "Was it you?" in message.text
    assert "https://alora.example/settings/security" in message.text
    assert "https://alora.example/settings/security" in message.html
    assert message.idempotency_key == f"notification.{notification_id}.email"
    stored = await n.stored(notification_id)
    assert stored is not None and stored.emailed_at == START

    # The job delivered again finds the email sent.
    created = NotificationCreated(
        occurred_at=START, notification_id=notification_id, recipient_id=ana, type="info",
        title="Password changed", body="", link=None, data={}, created_at=START,
        email_kind="security",
    )  # fmt: skip
    await n.run_handler("notifications.email", created)
    assert len(n.mailer.to("ana@example.com")) == 1


async def test_quiet_hours_hold_the_email_until_they_end(n: Harness) -> None:
    # 12:00 UTC is 07:00 in New York: quiet until 08:30.
    ana = await n.add_user("ana", timezone="America/New_York", quiet_hours_start="22:00",
                           quiet_hours_end="08:30")  # fmt: skip
    held = await n.notify(ana, "Your booking tomorrow", email_kind="booking")
    stored = await n.stored(held)
    assert stored is not None and stored.email_due_at == datetime(2030, 1, 15, 13, 30, tzinfo=UTC)
    n.new_events()
    assert n.mailer.sent == []
    assert n.realtime.published  # the push does not wait

    assert await n.handle(c.SendHeldEmails()) == 0
    n.clock.advance(timedelta(minutes=89))
    assert await n.handle(c.SendHeldEmails()) == 0
    n.clock.advance(timedelta(minutes=1))
    assert await n.handle(c.SendHeldEmails()) == 1
    assert await n.handle(c.SendHeldEmails()) == 0  # sent once, even when run twice
    [message] = n.mailer.to("ana@example.com")
    assert message.subject.startswith("Your booking tomorrow")
    stored = await n.stored(held)
    assert stored is not None and stored.emailed_at == n.clock.now()


async def test_held_emails_go_in_batches_and_concurrent_runs_send_each_once(n: Harness) -> None:
    users = [
        await n.add_user(f"user{i}", quiet_hours_start="11:00", quiet_hours_end="13:00")
        for i in range(4)
    ]
    for user in users:
        for title in ("One", "Two"):
            await n.notify(user, title, email_kind="account")
    n.new_events()
    assert n.mailer.sent == []
    n.clock.advance(timedelta(hours=1))
    results = await asyncio.gather(*(n.send_held_emails(batch=3) for _ in range(3)),
                                   return_exceptions=True)  # fmt: skip
    sent = [r for r in results if isinstance(r, int)]
    assert sum(sent) == len(n.mailer.sent)
    # Racing senders may lose a batch to a concurrent one (409); another run sends the rest.
    assert await n.send_held_emails(batch=3) == 8 - len(n.mailer.sent)
    keys = [message.idempotency_key for message in n.mailer.sent]
    assert len(keys) == len(set(keys)) == 8


async def test_a_refused_email_is_tried_again_later_without_stopping_the_others(
    n: Harness,
) -> None:
    ana = await n.add_user("ana", quiet_hours_start="11:00", quiet_hours_end="13:00")
    bob = await n.add_user("bob", quiet_hours_start="11:00", quiet_hours_end="13:00")
    await n.notify(ana, email_kind="account")
    await n.notify(bob, email_kind="account")
    n.clock.advance(timedelta(hours=1))
    n.mailer.refuse.add("ana@example.com")
    assert await n.handle(c.SendHeldEmails()) == 1
    assert len(n.mailer.to("bob@example.com")) == 1
    assert await n.handle(c.SendHeldEmails()) == 0  # ana's waits a few minutes
    n.mailer.refuse.clear()
    n.clock.advance(timedelta(minutes=5))
    assert await n.handle(c.SendHeldEmails()) == 1
    assert len(n.mailer.to("ana@example.com")) == 1


async def test_a_held_email_asks_the_settings_again_when_its_time_comes(n: Harness) -> None:
    quiet = {"quiet_hours_start": "11:00", "quiet_hours_end": "13:00"}
    ana = await n.add_user("ana", marketing_emails=True, **quiet)
    bob = await n.add_user("bob", **quiet)
    offer = await n.notify(ana, "An offer", email_kind="marketing")
    reminder = await n.notify(bob, "A reminder", email_kind="booking")
    await n.change_settings(ana, marketing_emails=False, **quiet)
    await n.change_settings(bob, quiet_hours_start="11:00", quiet_hours_end="14:00")
    n.clock.advance(timedelta(hours=1))

    assert await n.handle(c.SendHeldEmails()) == 0
    cancelled = await n.stored(offer)
    assert cancelled is not None and cancelled.email_due_at is None
    postponed = await n.stored(reminder)
    assert postponed is not None and postponed.email_due_at == START + timedelta(hours=2)
    n.clock.advance(timedelta(hours=1))
    assert await n.handle(c.SendHeldEmails()) == 1
    assert n.mailer.to("ana@example.com") == [] and len(n.mailer.to("bob@example.com")) == 1


async def test_notices_of_other_events_become_notifications(n: Harness) -> None:
    ana = await n.add_user("ana")
    rule = NoticeRule(
        NotificationDeleted,
        "test.renotify",
        lambda event: Notice(
            recipient_id=event.recipient_id,
            type=NotificationType.INFO,
            title="Something elsewhere",
            body="",
        ),
    )
    subscriptions = Subscriptions()
    notifications = n.alora.units_of_work["notifications"]
    deliver_notices(subscriptions.in_context(notifications), [rule], n.clock)
    event = NotificationDeleted(
        occurred_at=START, recipient_id=ana, notification_id=new_id(), was_unread=False
    )
    await n.run_handler("test.renotify", event, subscriptions)
    assert await n.unread(ana) == 1
    gone = NotificationDeleted(
        occurred_at=START, recipient_id=uuid.uuid4(), notification_id=new_id(), was_unread=False
    )
    await n.run_handler("test.renotify", gone, subscriptions)  # a recipient that is gone: nothing
