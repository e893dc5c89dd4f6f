"""A send reads and checks before its write transaction: what changes in between (here, while
its throttle counts it) is caught under the conversation's lock, on memory, SQLite and
PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import pytest

from alora_core.messaging.conversations import message_commands as c
from alora_core.messaging.conversations.commands import LeaveConversation
from alora_core.messaging.conversations.errors import CannotMessage
from alora_core.messaging.conversations.events import ConversationChanged, MessageSent
from alora_core.messaging.conversations.message_access import MessagesDeps
from alora_core.messaging.conversations.messages import send_message
from alora_core.shared.ratelimit import Limit
from contexts.messaging.builders import add_conversation, remove_member
from contexts.messaging.harness import Chat, actor, open_chat
from support.backends import Backend


@pytest.fixture
async def chat(backend: Backend) -> Chat:
    return await open_chat(backend)


class _Meanwhile:
    """A rate limiter that lets everything through and makes a change on its first count."""

    def __init__(self, change: Callable[[], Awaitable[object]]) -> None:
        self._change: Callable[[], Awaitable[object]] | None = change

    async def hit(self, key: str, limit: Limit) -> int | None:
        change, self._change = self._change, None
        if change is not None:
            await change()
        return None

    async def retry_after(self, key: str, limit: Limit) -> int | None:
        return None

    async def reset(self, key: str) -> None:
        return None


async def _send(
    chat: Chat, conversation_id: uuid.UUID, change: Callable[[], Awaitable[object]]
) -> tuple[c.Sent, list[object]]:
    """Ana sends while ``change`` happens; what she sent and the events her send committed."""
    uow = chat.alora.units_of_work["messaging"]()
    command = c.SendMessage(
        actor=actor(chat.ana), conversation_id=conversation_id, client_id="mw-1", body="Mine"
    )
    sent = await send_message(
        command, uow, MessagesDeps(clock=chat.clock, limiter=_Meanwhile(change))
    )
    return sent, list(uow.collect_events())


async def test_a_message_sent_meanwhile_takes_the_seq_before(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id, chat.cy.id])

    sent, events = await _send(chat, group.id, lambda: chat.send(chat.bob, group.id, "Theirs"))

    assert sent.created and sent.message.seq == 2
    logged = await chat.log(group.id, chat.cy)
    assert [(e.seq, e.data["message"]["body"]) for e in logged] == [(1, "Theirs"), (2, "Mine")]
    changed = [e for e in events if isinstance(e, ConversationChanged)]
    assert [(e.seq, e.data["eventSeq"]) for e in changed] == [(2, 2)]
    assert [e.recipients for e in events if isinstance(e, MessageSent)] == [
        (chat.bob.id, chat.cy.id)
    ]


async def test_a_sender_who_left_meanwhile_is_refused(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.bob.id, chat.ana.id, chat.cy.id])
    leave = LeaveConversation(actor=actor(chat.ana), conversation_id=group.id)

    with pytest.raises(CannotMessage) as refused:
        await _send(chat, group.id, lambda: chat.alora.bus.handle(leave))

    assert refused.value.reason == CannotMessage.LEFT
    assert [e.kind for e in await chat.log(group.id, chat.bob)] == ["conversation.updated"]


async def test_a_sender_removed_meanwhile_without_an_event_is_refused(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])

    with pytest.raises(CannotMessage) as refused:
        await _send(chat, group.id, lambda: remove_member(chat.alora, group.id, chat.ana.id))

    assert refused.value.reason == CannotMessage.LEFT
    assert await chat.log(group.id, chat.bob) == []
