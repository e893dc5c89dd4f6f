"""Messages to members with no open socket become one notification per conversation (collapsed
while unread) and one email, on every backend; never for muted conversations or members online.

Messages are sent with ``SendMessage``; its ``message.sent`` job runs before it returns.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from alora_core.messaging.conversations.events import MessageSent
from alora_core.messaging.conversations.message_commands import SendMessage
from alora_core.messaging.conversations.model import Message
from alora_core.notifications.commands import ListNotifications, MarkRead
from alora_core.notifications.events import NotificationCreated, NotificationUpdated
from alora_core.notifications.model import Notification
from alora_core.shared.actor import Actor
from contexts.booking.bookings_harness import Harness, open_bookings
from support.backends import Backend


@pytest.fixture
async def b(backend: Backend) -> Harness:
    harness = await open_bookings(backend)
    seen = harness.committed

    async def collect(events: list[Any]) -> None:  # the jobs' commits too
        known = {e.event_id for e in seen}  # a command's events reach both
        seen.extend(
            e
            for e in events
            if isinstance(e, NotificationCreated | NotificationUpdated) and e.event_id not in known
        )

    harness.alora.bus.after_commit(collect)
    return harness


@pytest.fixture
async def chat(b: Harness) -> tuple[Actor, Actor, uuid.UUID]:
    """Ana, her professional and the conversation of her booking."""
    ana, pro = await b.add_user("ana", full_name="Ana Lopez"), await b.add_professional()
    booking = await b.book(ana, pro)
    async with b.alora.units_of_work["messaging"]() as uow:
        conversation = await uow.conversations.of_booking(booking.id)
    assert conversation is not None
    return ana, pro, conversation.id


async def send(b: Harness, sender: Actor, conversation_id: uuid.UUID, body: str = "Hi") -> Message:
    sent = await b.handle(
        SendMessage(
            actor=sender, conversation_id=conversation_id, client_id=uuid.uuid4().hex, body=body
        )
    )
    return sent.message


async def message_notifications(b: Harness, actor: Actor) -> list[Notification]:
    page = await b.handle(ListNotifications(actor=actor, limit=100))
    return [n for n in page.items if n.data.get("kind") == "message"]


def message_emails(b: Harness, actor: Actor) -> list[Any]:
    mailer: Any = b.alora.mailer
    return [m for m in mailer.sent if "new message" in m.subject and actor_email(b, actor) == m.to]


_emails: dict[uuid.UUID, str] = {}


def actor_email(b: Harness, actor: Actor) -> str:
    assert actor.user_id is not None
    return _emails[actor.user_id]


async def remember_email(b: Harness, actor: Actor) -> None:
    assert actor.user_id is not None
    async with b.alora.units_of_work["identity"]() as uow:
        user = await uow.users.get(actor.user_id)
    _emails[actor.user_id] = user.email


async def test_a_message_to_a_member_offline_is_one_notification_and_one_email(
    b: Harness, chat: tuple[Actor, Actor, uuid.UUID]
) -> None:
    ana, pro, conversation_id = chat
    await remember_email(b, pro)
    await send(b, ana, conversation_id)
    [notification] = await message_notifications(b, pro)
    assert notification.title == "A new message from Ana Lopez"
    assert notification.link == f"/conversations/{conversation_id}"
    assert notification.data == {
        "kind": "message",
        "conversationId": str(conversation_id),
        "unread": 1,
    }
    assert notification.collapse_key == f"conversation:{conversation_id}"
    assert await message_notifications(b, ana) == []
    [email] = message_emails(b, pro)
    assert email.subject.startswith("A new message from Ana Lopez")


async def test_more_messages_update_the_unread_notification_and_send_no_more_email(
    b: Harness, chat: tuple[Actor, Actor, uuid.UUID]
) -> None:
    ana, pro, conversation_id = chat
    await remember_email(b, pro)
    await send(b, ana, conversation_id)
    [first] = await message_notifications(b, pro)
    b.clock.advance(timedelta(minutes=1))
    await send(b, ana, conversation_id, "Are you there?")
    await send(b, ana, conversation_id, "Hello?")
    [notification] = await message_notifications(b, pro)
    assert notification.id == first.id
    assert notification.title == "3 new messages from Ana Lopez"
    assert notification.data["unread"] == 3
    assert notification.created_at == b.clock.now()
    assert len(message_emails(b, pro)) == 1
    pushed = [e for e in b.committed if getattr(e, "notification_id", None) == first.id]
    assert [type(e) for e in pushed] == [
        NotificationCreated,
        NotificationUpdated,
        NotificationUpdated,
    ]


async def test_once_the_notification_is_read_the_next_message_makes_a_new_one(
    b: Harness, chat: tuple[Actor, Actor, uuid.UUID]
) -> None:
    ana, pro, conversation_id = chat
    await remember_email(b, pro)
    await send(b, ana, conversation_id)
    [first] = await message_notifications(b, pro)
    await b.handle(MarkRead(actor=pro, notification_id=first.id))
    await send(b, ana, conversation_id)
    latest, earlier = await message_notifications(b, pro)
    assert earlier.id == first.id and latest.id != first.id
    assert latest.data["unread"] == 2  # the conversation's read marker did not move
    assert len(message_emails(b, pro)) == 2


async def test_a_member_online_is_not_notified(
    b: Harness, chat: tuple[Actor, Actor, uuid.UUID]
) -> None:
    ana, pro, conversation_id = chat
    assert pro.user_id is not None
    await b.alora.realtime.presence.connect(pro.user_id, uuid.uuid4())
    await send(b, ana, conversation_id)
    assert await message_notifications(b, pro) == []
    assert not [e for e in b.committed if isinstance(e, MessageSent)]  # not even a job


async def test_a_muted_conversation_is_not_notified_until_the_mute_ends(
    b: Harness, chat: tuple[Actor, Actor, uuid.UUID]
) -> None:
    ana, pro, conversation_id = chat
    assert pro.user_id is not None
    async with b.alora.units_of_work["messaging"]() as uow:
        member = await uow.members.get(conversation_id, pro.user_id)
        assert member is not None
        member.muted_until = b.clock.now() + timedelta(hours=1)
        await uow.commit()
    await send(b, ana, conversation_id)
    assert await message_notifications(b, pro) == []
    b.clock.advance(timedelta(hours=1))
    await send(b, ana, conversation_id)
    [notification] = await message_notifications(b, pro)
    assert notification.data["unread"] == 2


async def test_no_email_when_the_recipient_turned_email_notifications_off(
    b: Harness,
) -> None:
    ana = await b.add_user("ana", full_name="Ana Lopez")
    pro = await b.add_professional(email_notifications=False)
    await remember_email(b, pro)
    booking = await b.book(ana, pro)
    async with b.alora.units_of_work["messaging"]() as uow:
        conversation = await uow.conversations.of_booking(booking.id)
    assert conversation is not None
    await send(b, ana, conversation.id)
    assert len(await message_notifications(b, pro)) == 1
    assert message_emails(b, pro) == []
