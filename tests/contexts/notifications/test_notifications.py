"""Notifications' use cases on every backend: notifying a user, listing and counting, reading
and deleting, real-time pushes, and other contexts' notices (``n``: ``conftest.py``)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.sqlalchemy.notifications import repositories as sql_notifications
from alora_core.notifications import commands as c
from alora_core.notifications.events import (
    NotificationCreated,
    NotificationDeleted,
    NotificationsRead,
)
from alora_core.notifications.handlers import deliver_notices
from alora_core.notifications.model import NotificationType
from alora_core.notifications.use_cases import add_notification
from alora_core.shared.actor import Actor, Role
from alora_core.shared.errors import Forbidden, Invalid, NotFound
from alora_core.shared.ids import new_id
from alora_core.shared.jobs import Job, Subscriptions, run_job
from alora_core.shared.notices import Notice, NoticeRule
from alora_core.shared.realtime import Push, user_topic
from alora_core.shared.serialization import event_to_message
from contexts.notifications.harness import START, Harness, as_user

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


# --- notices of other contexts -------------------------------------------------------------------


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


# --- pushes after commit --------------------------------------------------------------------------


async def test_a_push_goes_out_after_its_commit(n: Harness) -> None:
    """When the push is sent, the notification is committed: another unit of work reads it."""
    ana = await n.add_user("ana")
    seen: list[bool] = []

    async def committed_already(pushes: list[Push]) -> None:
        async with n.uow_factory().reading() as uow:
            for push in pushes:
                found = await uow.notifications.get(uuid.UUID(push.data["id"]))
                seen.append(found is not None)

    n.realtime.before_publish = committed_already
    notification_id = await n.notify(ana)
    assert seen == [True]
    assert [(topic, event) for topic, event, _ in n.realtime.published] == [
        (user_topic(ana), "notification.created")
    ]
    # The push is no job: nothing for it in the outbox.
    [created] = n.new_events()
    assert isinstance(created, NotificationCreated) and created.notification_id == notification_id
    assert n.alora.subscriptions.handlers_of(created) == []


def _noticing(n: Harness, fail_after_writing: bool) -> Subscriptions:
    """A subscription storing a notification for each ``notification.deleted`` (the recipient's
    own), and then failing when ``fail_after_writing``."""

    async def handle(event: NotificationDeleted, uow: Any) -> None:
        await add_notification(
            c.Notify(
                recipient_id=event.recipient_id,
                type=NotificationType.INFO,
                title="Something elsewhere",
                body="",
            ),
            uow,
            n.clock,
        )
        if fail_after_writing:
            raise RuntimeError("the handler fails after its write")

    subscriptions = Subscriptions()
    notifications = n.alora.units_of_work["notifications"]
    subscriptions.in_context(notifications).add(NotificationDeleted, "test.notice", handle)
    return subscriptions


@pytest.mark.parametrize("fails", [False, True], ids=["commits", "rolls-back"])
async def test_a_job_pushes_what_it_committed_and_nothing_when_it_rolls_back(
    n: Harness, fails: bool
) -> None:
    """A job (as a worker runs it) pushes after its commit; a job whose transaction rolls
    back pushes nothing."""
    ana = await n.add_user("ana")
    event = NotificationDeleted(
        occurred_at=START, recipient_id=ana, notification_id=new_id(), was_unread=False
    )
    outcome = await run_job(
        Job(id=new_id(), handler="test.notice", event=event_to_message(event)),
        attempt=0,
        max_attempts=1,
        subscriptions=_noticing(n, fail_after_writing=fails),
        uow_factory=n.alora.uow_factory,
        clock=n.clock,
        committed=n.alora.bus.committed,
    )
    if fails:
        assert outcome == "dead"
        assert n.realtime.published == []
        assert await n.unread(ana) == 0
    else:
        assert outcome == "done"
        [(topic, name, data)] = n.realtime.published
        assert (topic, name, data["title"]) == (
            user_topic(ana), "notification.created", "Something elsewhere"
        )  # fmt: skip
        assert await n.stored(uuid.UUID(data["id"])) is not None


async def test_a_command_that_fails_pushes_nothing(n: Harness) -> None:
    with pytest.raises(NotFound):
        await n.notify(uuid.uuid4())
    ana = await n.add_user("ana")
    with pytest.raises(NotFound):
        await n.handle(c.MarkRead(actor=as_user(ana), notification_id=uuid.uuid4()))
    assert n.realtime.published == [] and n.realtime.calls == 0


# --- announcements --------------------------------------------------------------------------------

ADMIN = Actor(user_id=uuid.UUID(int=1), role=Role.ADMIN)


def announcement(*recipients: uuid.UUID, **fields: Any) -> c.Announce:
    return c.Announce(
        actor=fields.pop("actor", ADMIN),
        recipient_ids=list(recipients),
        type=NotificationType(fields.pop("type", "warning")),
        title=fields.pop("title", "Maintenance tonight"),
        body=fields.pop("body", "Offline from 02:00 to 02:30 UTC."),
        **fields,
    )


async def test_an_announcement_stores_and_pushes_one_notification_per_existing_recipient(
    n: Harness,
) -> None:
    ana, bob, cid = [await n.add_user(name) for name in ("ana", "bob", "cid")]
    gone = await n.add_user("gone")
    await n.delete_user(gone)
    data = {"campaign": "maintenance", "window": [2, 2.5], "nested": {"ok": True}}
    created = await n.handle(
        announcement(ana, bob, uuid.uuid4(), ana, gone, cid, link="/status", data=data)
    )
    assert created == 3

    events = n.new_events()
    assert [type(event) for event in events] == [NotificationCreated] * 3
    assert [e.recipient_id for e in events if isinstance(e, NotificationCreated)] == [ana, bob, cid]
    # No durable handler for these events: no outbox row, no job per recipient.
    assert all(n.alora.subscriptions.handlers_of(event) == [] for event in events)
    # One publish for the whole announcement, one push per recipient.
    assert n.realtime.calls == 1
    assert [(topic, name) for topic, name, _ in n.realtime.published] == [
        (user_topic(ana), "notification.created"),
        (user_topic(bob), "notification.created"),
        (user_topic(cid), "notification.created"),
    ]
    for user in (ana, bob, cid):
        [listed] = (await n.page(user)).items
        assert (listed.type, listed.title, listed.body, listed.link, listed.data) == (
            NotificationType.WARNING, "Maintenance tonight", "Offline from 02:00 to 02:30 UTC.",
            "/status", data,
        )  # fmt: skip
        assert listed.created_at == START and listed.read_at is None and listed.version == 1
        assert listed.email_kind is None and listed.email_due_at is None
        pushed = next(d for topic, _, d in n.realtime.published if topic == user_topic(user))
        assert pushed["id"] == str(listed.id) and pushed["data"] == data
        assert await n.unread(user) == 1
    assert n.mailer.sent == []

    # Stored like any other: read, read all and delete work on them.
    [anas] = (await n.page(ana)).items
    read = await n.handle(c.MarkRead(actor=as_user(ana), notification_id=anas.id))
    assert read.read_at is not None
    assert await n.handle(c.MarkAllRead(actor=as_user(bob))) == 1
    [cids] = (await n.page(cid)).items
    await n.handle(c.DeleteNotification(actor=as_user(cid), notification_id=cids.id))
    assert await n.unread(ana) == await n.unread(bob) == await n.unread(cid) == 0


async def test_an_announcement_reads_recipients_in_chunks(
    n: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql_notifications, "RECIPIENTS_PER_STATEMENT", 2)
    users = [await n.add_user(f"user{i}") for i in range(5)]
    assert await n.handle(announcement(*users, uuid.uuid4())) == 5
    for user in users:
        assert await n.unread(user) == 1


async def test_an_announcement_to_nobody_who_exists_stores_nothing_and_pushes_nothing(
    n: Harness,
) -> None:
    assert await n.handle(announcement(uuid.uuid4(), uuid.uuid4())) == 0
    assert n.new_events() == [] and n.realtime.calls == 0


async def test_only_administrators_announce_and_bad_announcements_store_nothing(
    n: Harness,
) -> None:
    ana = await n.add_user("ana")
    with pytest.raises(Forbidden):
        await n.handle(announcement(ana, actor=as_user(ana)))
    with pytest.raises(Invalid):
        await n.handle(announcement())
    with pytest.raises(Invalid):
        await n.handle(announcement(ana, title=" "))
    assert await n.unread(ana) == 0 and n.realtime.published == []
