"""Sending and paging messages, on memory, SQLite and PostgreSQL: idempotency by clientId,
the body, attachments and reply checks, who may write, the throttle, and the event each send
logs."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from alora_core.messaging.conversations import message_commands as c
from alora_core.messaging.conversations.errors import (
    CannotMessage,
    ClientIdReused,
    ConversationNotFound,
)
from alora_core.messaging.conversations.events import MessageSent
from alora_core.messaging.conversations.messages_wire import message_data
from alora_core.messaging.conversations.model import ConversationKind
from alora_core.shared.errors import Invalid, RateLimited
from contexts.messaging.builders import add_conversation, remove_member
from contexts.messaging.harness import Chat, actor, open_chat
from support.backends import Backend, committed_events
from support.builders import add_file


@pytest.fixture
async def chat(backend: Backend) -> Chat:
    return await open_chat(backend)


async def test_a_message_is_numbered_logged_and_announced(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id, chat.cy.id])
    events = committed_events(chat.alora)
    first = await chat.send(chat.ana, group.id, "  Hello\tthere\n ")
    second = await chat.send(chat.bob, group.id, "Hi")

    assert (first.seq, second.seq) == (1, 2)
    assert first.body == "Hello\tthere"
    logged = await chat.log(group.id, chat.cy)
    assert [(e.seq, e.kind) for e in logged] == [(1, "message.created"), (2, "message.created")]
    assert logged[0].data == {
        "conversationId": str(group.id),
        "eventSeq": 1,
        "message": message_data(first),
    }
    assert message_data(first)["createdAt"].endswith("Z")
    sent = [e for e in events if isinstance(e, MessageSent)]
    assert sent[0].recipients == (chat.bob.id, chat.cy.id)
    markers = await chat.alora.bus.handle(
        c.ListReadMarkers(actor=actor(chat.ana), conversation_id=group.id)
    )
    assert {m.user_id: m.up_to for m in markers}[chat.ana.id] == 1


async def test_a_retry_answers_the_stored_message(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    command = c.SendMessage(
        actor=actor(chat.ana), conversation_id=group.id, client_id="tx-1", body="Once"
    )
    first = await chat.alora.bus.handle(command)
    again = await chat.alora.bus.handle(command)

    assert first.created and not again.created
    assert again.message.id == first.message.id
    assert len(await chat.log(group.id, chat.ana)) == 1
    # Another sender may use the same clientId.
    other = await chat.send(chat.bob, group.id, client_id="tx-1")
    assert other.id != first.message.id


async def test_a_client_id_used_in_another_conversation_is_refused(chat: Chat) -> None:
    one = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    two = await add_conversation(chat.alora, [chat.ana.id, chat.cy.id])
    await chat.send(chat.ana, one.id, client_id="tx-2")
    with pytest.raises(ClientIdReused):
        await chat.send(chat.ana, two.id, client_id="tx-2")


@pytest.mark.parametrize("client_id", ["", "a b", "é", "x" * 65, "tab\t"])
async def test_bad_client_ids_are_refused(chat: Chat, client_id: str) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    with pytest.raises(Invalid) as refused:
        await chat.send(chat.ana, group.id, client_id=client_id)
    assert refused.value.errors[0].field == "client_id"


@pytest.mark.parametrize(
    "body", [" \n ", "x" * 4001, "a\u202eb", "a\u2066b", "bell\x07", "nul\x00"]
)
async def test_bad_bodies_are_refused(chat: Chat, body: str) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    with pytest.raises(Invalid) as refused:
        await chat.send(chat.ana, group.id, body)
    assert refused.value.errors[0].field == "body"


async def test_a_body_of_4000_characters_once_trimmed_is_taken(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    message = await chat.send(chat.ana, group.id, " " + "x" * 4000 + " ")
    assert len(message.body) == 4000


async def test_attachments_are_the_senders_own_files(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    mine = await add_file(chat.alora, chat.ana.id, "application/pdf")
    theirs = await add_file(chat.alora, chat.bob.id)
    message = await chat.send(chat.ana, group.id, attachment_file_ids=(mine, mine))
    assert message.attachment_file_ids == [mine]
    for refused in ((theirs,), (uuid.uuid4(),), tuple(uuid.uuid4() for _ in range(11))):
        with pytest.raises(Invalid) as error:
            await chat.send(chat.ana, group.id, attachment_file_ids=refused)
        assert error.value.errors[0].field == "attachment_file_ids"


async def test_a_reply_names_a_message_of_the_same_conversation(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    elsewhere = await add_conversation(chat.alora, [chat.bob.id, chat.cy.id])
    original = await chat.send(chat.bob, group.id)
    other = await chat.send(chat.bob, elsewhere.id)
    reply = await chat.send(chat.ana, group.id, reply_to_id=original.id)
    assert reply.reply_to_id == original.id
    for refused in (other.id, uuid.uuid4()):
        with pytest.raises(Invalid) as error:
            await chat.send(chat.ana, group.id, reply_to_id=refused)
        assert error.value.errors[0].field == "reply_to"


async def test_only_active_members_write(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    with pytest.raises(ConversationNotFound):
        await chat.send(chat.cy, group.id)
    with pytest.raises(ConversationNotFound):
        await chat.send(chat.ana, uuid.uuid4())
    await remove_member(chat.alora, group.id, chat.bob.id)
    with pytest.raises(CannotMessage) as refused:
        await chat.send(chat.bob, group.id)
    assert refused.value.reason == CannotMessage.LEFT


async def test_a_closed_bookings_conversation_turns_read_only(chat: Chat) -> None:
    closed_at = chat.clock.now()
    booking = await add_conversation(
        chat.alora,
        [chat.ana.id, chat.bob.id],
        ConversationKind.BOOKING,
        booking_closed_at=closed_at,
    )
    chat.clock.advance(timedelta(hours=72))
    await chat.send(chat.ana, booking.id)
    chat.clock.advance(timedelta(seconds=1))
    with pytest.raises(CannotMessage) as refused:
        await chat.send(chat.bob, booking.id)
    assert refused.value.reason == CannotMessage.READ_ONLY


async def test_sending_is_throttled_per_account(backend: Backend) -> None:
    chat = await open_chat(backend, {"ALORA_MESSAGING_MESSAGES_PER_MINUTE": "2"})
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    retry = await chat.send(chat.ana, group.id, client_id="same")
    await chat.send(chat.ana, group.id)
    assert (await chat.send(chat.ana, group.id, client_id="same")).id == retry.id
    with pytest.raises(RateLimited):
        await chat.send(chat.ana, group.id)
    await chat.send(chat.bob, group.id)


async def test_pages_by_seq(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    for number in range(1, 8):
        await chat.send(chat.ana, group.id, f"m{number}")

    async def page(**cursor: int | None) -> list[int]:
        found = await chat.alora.bus.handle(
            c.ListMessages(actor=actor(chat.bob), conversation_id=group.id, **cursor)
        )
        return [m.seq for m in found]

    assert await page(limit=3) == [5, 6, 7]
    assert await page(before=5, limit=3) == [2, 3, 4]
    assert await page(after=2, limit=3) == [3, 4, 5]
    assert await page(after=2, before=5) == [3, 4]
    assert await page() == [1, 2, 3, 4, 5, 6, 7]
    with pytest.raises(Invalid):
        await page(limit=101)
    await remove_member(chat.alora, group.id, chat.bob.id)
    await chat.send(chat.ana, group.id, "after bob left")
    assert await page() == [1, 2, 3, 4, 5, 6, 7]
    with pytest.raises(ConversationNotFound):
        await chat.alora.bus.handle(c.ListMessages(actor=actor(chat.cy), conversation_id=group.id))
