"""Sends racing for real, in parallel transactions on PostgreSQL: retries of one clientId make
one message, and a burst of sends to one conversation numbers them 1..N with no gap, in commit
order, in the messages and in the event log alike."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from alora_core.messaging.conversations import message_commands as c
from alora_core.messaging.conversations.errors import ClientIdReused
from conftest import empty_tables
from contexts.messaging.builders import add_conversation
from contexts.messaging.harness import Chat, actor, open_chat
from support.backends import Backend

RETRIES = 30
SENDS = 40


@pytest.fixture
async def chat(migrated_postgres_url: str, tmp_path: Path) -> AsyncIterator[Chat]:
    await empty_tables(migrated_postgres_url)
    backend = Backend("postgres", migrated_postgres_url, tmp_path / "var")
    try:
        yield await open_chat(backend)
    finally:
        await backend.close()


async def test_thirty_retries_of_one_client_id_make_one_message(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    command = c.SendMessage(
        actor=actor(chat.ana), conversation_id=group.id, client_id="retry-me", body="Once"
    )
    results = await asyncio.gather(*(chat.alora.bus.handle(command) for _ in range(RETRIES)))

    assert len({r.message.id for r in results}) == 1
    assert sum(r.created for r in results) == 1
    page = await chat.alora.bus.handle(
        c.ListMessages(actor=actor(chat.bob), conversation_id=group.id)
    )
    assert [m.client_id for m in page] == ["retry-me"]
    assert [e.seq for e in await chat.log(group.id, chat.bob)] == [1]


async def test_concurrent_sends_are_numbered_without_gaps_in_commit_order(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id, chat.cy.id])
    senders = [chat.ana, chat.bob, chat.cy]
    sent = await asyncio.gather(
        *(
            chat.send(senders[n % 3], group.id, f"message {n}", client_id=f"burst-{n}")
            for n in range(SENDS)
        )
    )

    assert sorted(m.seq for m in sent) == list(range(1, SENDS + 1))
    logged = await chat.log(group.id, chat.bob)
    created = [e for e in logged if e.kind == "message.created"]
    assert [e.seq for e in logged] == list(range(1, len(logged) + 1))
    assert [e.data["message"]["seq"] for e in created] == list(range(1, SENDS + 1))
    page = await chat.alora.bus.handle(
        c.ListMessages(actor=actor(chat.bob), conversation_id=group.id, limit=100)
    )
    assert [m.seq for m in page] == list(range(1, SENDS + 1))


async def test_one_client_id_raced_into_two_conversations_stays_one_message(chat: Chat) -> None:
    one = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    two = await add_conversation(chat.alora, [chat.ana.id, chat.cy.id])
    results = await asyncio.gather(
        *(
            chat.alora.bus.handle(
                c.SendMessage(
                    actor=actor(chat.ana),
                    conversation_id=(one, two)[n % 2].id,
                    client_id="crossed",
                    body="Hi",
                )
            )
            for n in range(10)
        ),
        return_exceptions=True,
    )

    sent = [r for r in results if isinstance(r, c.Sent)]
    refused = [r for r in results if isinstance(r, ClientIdReused)]
    assert len(sent) + len(refused) == len(results)
    assert len({r.message.id for r in sent}) == 1 and sum(r.created for r in sent) == 1
    assert len(refused) == 5
