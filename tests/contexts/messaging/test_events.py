"""Catching up with a conversation's events, and pruning them, on memory, SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alora_core.messaging.conversations import message_commands as c
from alora_core.messaging.conversations.errors import ConversationNotFound, ResyncRequired
from alora_core.shared.errors import Invalid
from contexts.messaging.builders import add_conversation, remove_member
from contexts.messaging.harness import Chat, actor, open_chat
from entrypoints.scheduler import run_scheduled
from support.backends import Backend
from support.builders import add_user


@pytest.fixture
async def chat(backend: Backend) -> Chat:
    return await open_chat(backend)


async def _events(
    chat: Chat, user: object, conversation_id: object, after: int, limit: int = 100
) -> c.EventsPage:
    return await chat.alora.bus.handle(
        c.ListConversationEvents(
            actor=actor(user),  # type: ignore[arg-type]
            conversation_id=conversation_id,  # type: ignore[arg-type]
            after=after,
            limit=limit,
        )
    )


async def test_a_client_catches_up_after_its_cursor(chat: Chat) -> None:
    quiet = await add_user(chat.alora, "quiet", verified=True, show_read_receipts=False)
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id, quiet.id])
    first = await chat.send(chat.ana, group.id, "one")
    await chat.send(chat.ana, group.id, "two")
    await chat.alora.bus.handle(c.MarkRead(actor=actor(quiet), conversation_id=group.id, up_to=2))
    await chat.alora.bus.handle(
        c.EditMessage(actor=actor(chat.ana), message_id=first.id, body="one!")
    )

    page = await _events(chat, chat.bob, group.id, 1)
    assert [(e.seq, e.kind) for e in page.events] == [(2, "message.created"), (4, "message.edited")]
    assert page.event_seq == 4 and not page.has_more
    own = await _events(chat, quiet, group.id, 0)
    assert [e.kind for e in own.events] == [
        "message.created", "message.created", "read.updated", "message.edited"
    ]  # fmt: skip
    short = await _events(chat, quiet, group.id, 0, limit=2)
    assert [e.seq for e in short.events] == [1, 2] and short.has_more
    assert (await _events(chat, chat.bob, group.id, 4)).events == []
    with pytest.raises(Invalid):
        await _events(chat, chat.bob, group.id, 0, limit=501)
    with pytest.raises(ConversationNotFound):
        await _events(chat, chat.cy, group.id, 0)


async def test_a_former_member_catches_up_to_their_leaving(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    await chat.send(chat.ana, group.id)
    await remove_member(chat.alora, group.id, chat.bob.id)
    await chat.send(chat.ana, group.id)
    page = await _events(chat, chat.bob, group.id, 0)
    assert [e.seq for e in page.events] == [1] and page.event_seq == 1


async def test_pruned_events_ask_for_a_resync(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    await chat.send(chat.ana, group.id)
    await chat.send(chat.ana, group.id)
    chat.clock.advance(timedelta(days=31))
    await chat.send(chat.ana, group.id)
    assert len((await _events(chat, chat.bob, group.id, 0)).events) == 3

    summary = await run_scheduled(chat.alora, "messaging-events-prune", chat.clock.now())
    assert summary.startswith("deleted 2 ")
    with pytest.raises(ResyncRequired):
        await _events(chat, chat.bob, group.id, 1)
    page = await _events(chat, chat.bob, group.id, 2)
    assert [e.seq for e in page.events] == [3]

    chat.clock.advance(timedelta(days=31))
    await run_scheduled(chat.alora, "messaging-events-prune", chat.clock.now())
    with pytest.raises(ResyncRequired):
        await _events(chat, chat.bob, group.id, 2)
    assert (await _events(chat, chat.bob, group.id, 3)).events == []
