"""Messaging's pushes after commit and typing, on every backend: each committed change reaches
its recipients' user topics in one publish per commit; typing reaches the other active members
only, through a per-process cache of members that a member change forgets."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from alora_core.messaging.conversations.errors import ConversationNotFound
from alora_core.messaging.conversations.model import Member, MemberRole
from alora_core.messaging.typing import SendTyping
from alora_core.shared.realtime import Push, user_topic
from support.backends import Backend

from .realtime_harness import Chat, as_user, build_chat


@pytest.fixture
async def chat(backend: Backend) -> Chat:
    return await build_chat(backend)


def typing_push(to: uuid.UUID, conversation_id: uuid.UUID, by: uuid.UUID, typing: bool) -> Push:
    data = {
        "conversationId": str(conversation_id),
        "userId": str(by),
        "typing": typing,
        "expiresInSeconds": 6,
    }
    return Push(user_topic(to), "typing", data)


async def test_a_committed_change_reaches_each_recipient_in_one_publish(chat: Chat) -> None:
    ann, bob, cy = await chat.users("ann", "bob", "cy")
    conversation = await chat.conversation([ann, bob, cy])
    chat.realtime.take()

    message = {"id": str(uuid.uuid4()), "body": "hi"}
    seq = await chat.change(conversation, "message.created", {"message": message})

    data = {"conversationId": str(conversation), "eventSeq": seq, "message": message}
    assert len(chat.realtime.calls) == 1
    assert chat.realtime.take() == [
        Push(user_topic(user), "message.created", data) for user in (ann, bob, cy)
    ]


async def test_a_change_for_one_member_reaches_only_them(chat: Chat) -> None:
    ann, bob = await chat.user("ann"), await chat.user("bob")
    conversation = await chat.conversation([ann, bob])
    read = {"userId": str(bob), "upTo": 3, "readAt": "2026-01-01T00:00:00Z"}

    await chat.change(conversation, "read.updated", read, only_user_id=bob)

    assert [push.topic for push in chat.realtime.take()] == [user_topic(bob)]


async def test_a_removed_member_gets_their_removal_and_nothing_after(chat: Chat) -> None:
    ann, bob, cy = await chat.user("ann"), await chat.user("bob"), await chat.user("cy")
    conversation = await chat.conversation([ann, bob, cy])
    removal = {"change": "member-removed", "conversation": {}}

    await chat.change(conversation, "conversation.updated", removal, remove=cy)
    assert [push.topic for push in chat.realtime.take()] == [user_topic(u) for u in (ann, bob, cy)]

    await chat.change(conversation, "message.created", {"message": {"id": str(uuid.uuid4())}})
    assert [push.topic for push in chat.realtime.take()] == [user_topic(u) for u in (ann, bob)]


async def test_typing_reaches_the_other_active_members_only(chat: Chat) -> None:
    ann, bob, cy, dee = await chat.users("ann", "bob", "cy", "dee")
    conversation = await chat.conversation([ann, bob, cy])
    await chat.change(conversation, "conversation.updated", {"change": "member-left"}, remove=cy)
    chat.realtime.take()

    await chat.handle(SendTyping(actor=as_user(ann), conversation_id=conversation, typing=True))
    assert chat.realtime.take() == [typing_push(bob, conversation, ann, True)]

    await chat.handle(SendTyping(actor=as_user(bob), conversation_id=conversation, typing=False))
    assert chat.realtime.take() == [typing_push(ann, conversation, bob, False)]

    held = SendTyping(actor=as_user(ann), conversation_id=conversation, typing=True, forward=False)
    await chat.handle(held)
    assert chat.realtime.take() == []

    for outsider in (cy, dee):  # one who left, one who never belonged
        with pytest.raises(ConversationNotFound):
            await chat.handle(
                SendTyping(actor=as_user(outsider), conversation_id=conversation, typing=True)
            )
    with pytest.raises(ConversationNotFound):
        await chat.handle(SendTyping(actor=as_user(ann), conversation_id=uuid.uuid4(), typing=True))
    assert chat.realtime.take() == []


async def test_typing_members_are_cached_until_a_member_change_or_a_few_seconds(
    chat: Chat,
) -> None:
    ann, bob, cy = await chat.user("ann"), await chat.user("bob"), await chat.user("cy")
    conversation = await chat.conversation([ann, bob])
    start = SendTyping(actor=as_user(ann), conversation_id=conversation, typing=True)
    await chat.handle(start)
    # A member added behind the cache's back (no commit through the hook) is not seen yet ...
    async with chat.uow() as uow:
        uow.members.add(
            Member(
                conversation_id=conversation,
                user_id=cy,
                role=MemberRole.MEMBER,
                joined_at=chat.clock.now(),
            )
        )
        await uow.commit()
    chat.realtime.take()
    await chat.handle(start)
    assert [push.topic for push in chat.realtime.take()] == [user_topic(bob)]
    # ... until the cached members expire,
    chat.clock.advance(timedelta(seconds=10))
    await chat.handle(start)
    assert [push.topic for push in chat.realtime.take()] == [user_topic(bob), user_topic(cy)]
    # and a member change committed in this process is seen at once.
    await chat.change(conversation, "conversation.updated", {"change": "member-left"}, remove=bob)
    chat.realtime.take()
    await chat.handle(start)
    assert [push.topic for push in chat.realtime.take()] == [user_topic(cy)]
    with pytest.raises(ConversationNotFound):
        await chat.handle(SendTyping(actor=as_user(bob), conversation_id=conversation, typing=True))
