"""Read markers, unread counts and read receipts, on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest

from alora_core.messaging.conversations import message_commands as c
from alora_core.messaging.conversations.errors import ConversationNotFound
from alora_core.messaging.conversations.model import RECEIPTS_MAX_MEMBERS
from contexts.messaging.builders import add_conversation, add_members, remove_member
from contexts.messaging.harness import Chat, actor, open_chat
from support.backends import Backend
from support.builders import add_user


@pytest.fixture
async def chat(backend: Backend) -> Chat:
    return await open_chat(backend)


async def _read(chat: Chat, user: object, conversation_id: uuid.UUID, up_to: int) -> c.ReadState:
    return await chat.alora.bus.handle(
        c.MarkRead(actor=actor(user), conversation_id=conversation_id, up_to=up_to)  # type: ignore[arg-type]
    )


async def test_the_marker_moves_forward_only_and_clamps(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    for _ in range(5):
        await chat.send(chat.ana, group.id)
    deleted = await chat.send(chat.ana, group.id)
    await chat.alora.bus.handle(c.DeleteMessage(actor=actor(chat.ana), message_id=deleted.id))

    assert await _read(chat, chat.bob, group.id, 2) == c.ReadState(read_up_to=2, unread_count=3)
    assert await _read(chat, chat.bob, group.id, 1) == c.ReadState(read_up_to=2, unread_count=3)
    assert await _read(chat, chat.bob, group.id, 99) == c.ReadState(read_up_to=6, unread_count=0)
    kinds = [e.kind for e in await chat.log(group.id, chat.bob)]
    assert kinds.count("read.updated") == 2
    with pytest.raises(ConversationNotFound):
        await _read(chat, chat.cy, group.id, 1)


async def test_unread_over_all_conversations(chat: Chat) -> None:
    one = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    two = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id, chat.cy.id])
    await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    for _ in range(3):
        await chat.send(chat.ana, one.id)
    await chat.send(chat.cy, two.id)
    await chat.send(chat.bob, two.id)  # bob's own message reads everything before it
    await chat.send(chat.cy, two.id)
    unread = await chat.alora.bus.handle(c.CountUnread(actor=actor(chat.bob)))
    assert unread == c.Unread(total=4, conversations=2)

    await remove_member(chat.alora, one.id, chat.bob.id)
    await chat.send(chat.ana, one.id)  # after bob left: not his to read
    assert (await chat.alora.bus.handle(c.CountUnread(actor=actor(chat.bob)))).total == 4
    assert await _read(chat, chat.bob, one.id, 10) == c.ReadState(read_up_to=3, unread_count=0)
    assert await chat.alora.bus.handle(c.CountUnread(actor=actor(chat.bob))) == c.Unread(
        total=1, conversations=1
    )


async def test_receipts_show_where_the_reader_allows_it(chat: Chat) -> None:
    quiet = await add_user(chat.alora, "quiet", verified=True, show_read_receipts=False)
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id, quiet.id])
    await chat.send(chat.ana, group.id)
    await _read(chat, chat.bob, group.id, 1)
    await _read(chat, quiet, group.id, 1)

    reads = [e for e in await chat.log(group.id, chat.bob) if e.kind == "read.updated"]
    assert [(e.data["userId"], e.only_user_id) for e in reads] == [(str(chat.bob.id), None)]
    assert reads[0].data["upTo"] == 1 and reads[0].data["readAt"].endswith("Z")
    quiet_reads = [e for e in await chat.log(group.id, quiet) if e.kind == "read.updated"]
    assert [e.only_user_id for e in quiet_reads] == [None, quiet.id]

    markers = await chat.alora.bus.handle(
        c.ListReadMarkers(actor=actor(chat.ana), conversation_id=group.id)
    )
    assert [(m.user_id, m.up_to) for m in markers] == [(chat.ana.id, 1), (chat.bob.id, 1)]
    mine = await chat.alora.bus.handle(
        c.ListReadMarkers(actor=actor(quiet), conversation_id=group.id)
    )
    assert (quiet.id, 1) in [(m.user_id, m.up_to) for m in mine]


async def test_large_groups_keep_markers_to_their_owners(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    extra = [
        (await add_user(chat.alora, "member", unique=True)).id
        for _ in range(RECEIPTS_MAX_MEMBERS - 1)
    ]
    await add_members(chat.alora, group.id, extra)
    await chat.send(chat.ana, group.id)
    await _read(chat, chat.bob, group.id, 1)
    reads = [e for e in await chat.log(group.id, chat.bob) if e.kind == "read.updated"]
    assert reads[0].only_user_id == chat.bob.id
    markers = await chat.alora.bus.handle(
        c.ListReadMarkers(actor=actor(chat.ana), conversation_id=group.id)
    )
    assert [m.user_id for m in markers] == [chat.ana.id]
    with pytest.raises(ConversationNotFound):
        await chat.alora.bus.handle(
            c.ListReadMarkers(actor=actor(chat.cy), conversation_id=group.id)
        )
