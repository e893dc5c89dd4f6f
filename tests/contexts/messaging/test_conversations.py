"""Direct conversations, the list, one conversation and muting, on every backend."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest

from alora_core.identity.model import User
from alora_core.messaging.conversations import commands as c
from alora_core.messaging.conversations.errors import (
    CannotMessage,
    ConversationNotFound,
    UserNotFound,
)
from alora_core.messaging.conversations.model import ConversationKind
from alora_core.shared.errors import Invalid, RateLimited
from contexts.messaging.conversations_harness import Chats, as_user, open_chats
from support.backends import Backend
from support.builders import change_user


@pytest.fixture
async def chats(backend: Backend) -> Chats:
    return await open_chats(backend)


# --- direct conversations ----------------------------------------------------------------------


async def test_opening_a_direct_conversation_twice_gives_the_same_one(chats: Chats) -> None:
    ana, bob = await chats.user("ana"), await chats.user("bob")
    first = await chats.direct(ana, bob)
    assert first.created
    view = first.view
    assert view.conversation.kind is ConversationKind.DIRECT
    assert {m.user_id for m in view.members} == {ana, bob}
    assert set(view.people) == {bob}
    again = await chats.direct(bob, ana)
    assert not again.created
    assert again.view.conversation.id == view.conversation.id
    changes = chats.changes(view.conversation.id)
    assert [(e.kind, e.data["change"]) for e in changes] == [("conversation.updated", "created")]
    assert set(changes[0].recipients) == {ana, bob}
    assert changes[0].data["conversation"]["eventSeq"] == changes[0].seq == 1


async def test_simultaneous_opens_make_one_conversation(chats: Chats) -> None:
    ana, bob = await chats.user("ana"), await chats.user("bob")
    opened = await asyncio.gather(*(chats.direct(ana, bob) for _ in range(5)))
    assert len({o.view.conversation.id for o in opened}) == 1


async def test_not_with_oneself(chats: Chats) -> None:
    ana = await chats.user("ana")
    with pytest.raises(Invalid):
        await chats.direct(ana, ana)


async def test_unknown_suspended_and_blocked_users_are_all_not_found(chats: Chats) -> None:
    ana, bob = await chats.user("ana"), await chats.user("bob")
    cid = await chats.user("cid", suspended=True)
    with pytest.raises(UserNotFound):
        await chats.direct(ana, uuid.uuid4())
    with pytest.raises(UserNotFound):
        await chats.direct(ana, cid)
    await chats.direct(ana, bob)
    await chats.block(bob, ana)
    for one, other in ((ana, bob), (bob, ana)):
        with pytest.raises(UserNotFound):
            await chats.direct(one, other)


async def test_who_refuses_direct_messages_takes_them_from_connections_and_counterparts(
    chats: Chats,
) -> None:
    ana = await chats.user("ana")
    shy = await chats.user("shy", allow_direct_messages=False)
    with pytest.raises(CannotMessage) as refused:
        await chats.direct(ana, shy)
    assert refused.value.reason == CannotMessage.NOT_ALLOWED
    await chats.connect(ana, shy)
    assert (await chats.direct(ana, shy)).created
    pro = await chats.user("pro", allow_direct_messages=False)
    await chats.booking_conversation(ana, pro)
    assert (await chats.direct(pro, ana)).created


async def test_strangers_count_against_the_daily_cap_connections_do_not(chats: Chats) -> None:
    ana = await chats.user("ana")
    strangers = [await chats.user(f"s{i}") for i in range(3)]
    friend, pro = await chats.user("friend"), await chats.user("pro")
    await chats.direct(ana, strangers[0])
    await chats.direct(ana, strangers[1])
    with pytest.raises(RateLimited):
        await chats.direct(ana, strangers[2])
    await chats.direct(ana, strangers[0])  # an existing one is no new one
    await chats.connect(ana, friend)
    await chats.direct(ana, friend)
    await chats.booking_conversation(pro, ana)
    await chats.direct(ana, pro)


# --- reading -----------------------------------------------------------------------------------


async def test_the_list_is_by_last_activity_with_unread_counts_and_last_messages(
    chats: Chats,
) -> None:
    ana, bob, cid = await chats.user("ana"), await chats.user("bob"), await chats.user("cid")
    with_bob = (await chats.direct(ana, bob)).view.conversation.id
    chats.clock.advance(timedelta(minutes=1))
    with_cid = (await chats.direct(ana, cid)).view.conversation.id
    chats.clock.advance(timedelta(minutes=1))
    await chats.send(with_bob, bob, "one")
    await chats.send(with_bob, ana, "mine")
    await chats.send(with_bob, bob, "two")
    page = await chats.handle(c.ListConversations(actor=as_user(ana)))
    assert [v.conversation.id for v in page.items] == [with_bob, with_cid]
    first = page.items[0]
    assert (first.unread_count, first.last_message.body) == (2, "two")
    assert page.items[1].last_message is None
    assert page.items[1].unread_count == 0
    assert set(first.people) == {bob}
    assert first.people[bob].username == "bob"
    assert page.next_cursor is None
    assert (await chats.view(bob, with_bob)).unread_count == 1


async def test_the_cursor_walks_every_conversation_once(chats: Chats) -> None:
    ana = await chats.user("ana")
    others = [await chats.user(f"u{i}") for i in range(5)]
    for other in others:
        await chats.connect(ana, other)
    ids = []
    for i, other in enumerate(others):
        if i != 2:  # two conversations with the same activity time: the id breaks the tie
            chats.clock.advance(timedelta(seconds=1))
        ids.append((await chats.direct(ana, other)).view.conversation.id)
    seen: list[uuid.UUID] = []
    cursor = None
    while True:
        page = await chats.handle(c.ListConversations(actor=as_user(ana), cursor=cursor, limit=2))
        seen += [v.conversation.id for v in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids) and len(seen) == len(ids)
    with pytest.raises(Invalid):
        await chats.handle(c.ListConversations(actor=as_user(ana), cursor="nonsense"))
    with pytest.raises(Invalid):
        await chats.handle(c.ListConversations(actor=as_user(ana), limit=0))


async def test_a_non_member_does_not_find_the_conversation(chats: Chats) -> None:
    ana, bob, eve = await chats.user("ana"), await chats.user("bob"), await chats.user("eve")
    conversation = (await chats.direct(ana, bob)).view.conversation.id
    with pytest.raises(ConversationNotFound):
        await chats.view(eve, conversation)
    with pytest.raises(ConversationNotFound):
        await chats.handle(c.MuteConversation(actor=as_user(eve), conversation_id=conversation))
    page = await chats.handle(c.ListConversations(actor=as_user(eve)))
    assert page.items == []


async def test_people_follow_their_profiles(chats: Chats) -> None:
    ana, bob = await chats.user("ana"), await chats.user("bob")
    conversation = (await chats.direct(ana, bob)).view.conversation.id

    def rename(user: User) -> None:
        user.full_name = "Robert Example"

    await change_user(chats.alora, bob, rename)
    assert (await chats.view(ana, conversation)).people[bob].full_name == "Robert Example"


# --- muting ------------------------------------------------------------------------------------


async def test_mute_until_a_time_or_forever_and_unmute(chats: Chats) -> None:
    ana, bob = await chats.user("ana"), await chats.user("bob")
    conversation = (await chats.direct(ana, bob)).view.conversation.id
    until = chats.clock.now() + timedelta(hours=8)
    view = await chats.handle(
        c.MuteConversation(actor=as_user(ana), conversation_id=conversation, until=until)
    )
    assert view.muted and view.member.muted_until == until and not view.member.muted_forever
    chats.clock.advance(timedelta(hours=9))
    assert not (await chats.view(ana, conversation)).muted
    view = await chats.handle(c.MuteConversation(actor=as_user(ana), conversation_id=conversation))
    assert view.muted and view.member.muted_forever
    assert not (await chats.view(bob, conversation)).muted
    view = await chats.handle(
        c.UnmuteConversation(actor=as_user(ana), conversation_id=conversation)
    )
    assert not view.muted
    with pytest.raises(Invalid):
        await chats.handle(
            c.MuteConversation(
                actor=as_user(ana), conversation_id=conversation, until=chats.clock.now()
            )
        )
