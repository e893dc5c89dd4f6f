"""A block refuses messages both ways in direct and booking conversations and leaves groups
alone, on memory, SQLite and PostgreSQL, and over HTTP."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from alora_core.messaging.connections.commands import BlockUser, UnblockUser
from alora_core.messaging.conversations import message_commands as c
from alora_core.messaging.conversations.errors import CannotMessage
from alora_core.messaging.conversations.model import ConversationKind
from contexts.messaging.builders import add_conversation
from contexts.messaging.harness import Chat, actor, open_chat
from support.backends import Backend
from support.http import Api, assert_problem, bearer, open_api


@pytest.fixture
async def chat(backend: Backend) -> Chat:
    return await open_chat(backend)


@pytest.mark.parametrize("kind", [ConversationKind.DIRECT, ConversationKind.BOOKING])
async def test_a_block_refuses_messages_both_ways(chat: Chat, kind: ConversationKind) -> None:
    pair = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id], kind)
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id, chat.cy.id])
    message = await chat.send(chat.ana, pair.id, "Before")
    await chat.alora.bus.handle(BlockUser(actor=actor(chat.bob), user_id=chat.ana.id))

    for sender in (chat.ana, chat.bob):
        with pytest.raises(CannotMessage) as refused:
            await chat.send(sender, pair.id)
        assert refused.value.reason == CannotMessage.NOT_ALLOWED
    with pytest.raises(CannotMessage):
        await chat.alora.bus.handle(
            c.EditMessage(actor=actor(chat.ana), message_id=message.id, body="Edited")
        )
    await chat.send(chat.ana, group.id, "Groups go on")
    history = await chat.alora.bus.handle(
        c.ListMessages(actor=actor(chat.bob), conversation_id=pair.id)
    )
    assert [m.body for m in history] == ["Before"]

    await chat.alora.bus.handle(UnblockUser(actor=actor(chat.bob), user_id=chat.ana.id))
    await chat.send(chat.ana, pair.id, "After")


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for api in open_api(tmp_path):
        yield api


async def test_a_blocked_send_is_403_over_http(api: Api) -> None:
    ana, ana_token = await api.user("ana")
    bob, bob_token = await api.user("bob")
    pair = await add_conversation(
        api.alora, [uuid.UUID(ana["id"]), uuid.UUID(bob["id"])], ConversationKind.DIRECT
    )
    blocked = await api.client.post(f"/api/v1/blocks/{ana['id']}", headers=bearer(bob_token))
    assert blocked.status_code in (200, 201, 204), blocked.text
    response = await api.client.post(
        f"/api/v1/conversations/{pair.id}/messages",
        json={"clientId": "x-1", "body": "Hi"},
        headers=bearer(ana_token),
    )
    assert assert_problem(response, 403)["reason"] == "messages-not-allowed"
