"""Editing and deleting messages and their history, on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alora_core.identity.model import Role
from alora_core.messaging.conversations import message_commands as c
from alora_core.messaging.conversations.errors import DeleteRefused, EditRefused, MessageNotFound
from alora_core.shared.errors import Invalid
from contexts.messaging.builders import add_conversation, remove_member
from contexts.messaging.harness import Chat, actor, open_chat
from support.backends import Backend
from support.builders import add_file, add_user


@pytest.fixture
async def chat(backend: Backend) -> Chat:
    return await open_chat(backend)


async def _edit(chat: Chat, user: object, message_id: object, body: str) -> object:
    return await chat.alora.bus.handle(
        c.EditMessage(actor=actor(user), message_id=message_id, body=body)  # type: ignore[arg-type]
    )


async def _history(chat: Chat, user: object, message_id: object) -> c.MessageHistory:
    return await chat.alora.bus.handle(
        c.GetMessageHistory(actor=actor(user), message_id=message_id)  # type: ignore[arg-type]
    )


async def test_the_sender_edits_and_the_history_keeps_every_body(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    message = await chat.send(chat.ana, group.id, "one")
    sent_at = chat.clock.now()
    chat.clock.advance(timedelta(minutes=1))
    await _edit(chat, chat.ana, message.id, "two")
    chat.clock.advance(timedelta(minutes=1))
    edited = await _edit(chat, chat.ana, message.id, " three ")
    assert isinstance(edited, type(message))
    assert edited.body == "three" and edited.edited_at == chat.clock.now()

    history = await _history(chat, chat.bob, message.id)
    assert [(v.body, v.written_at, v.replaced_at) for v in history.versions] == [
        ("one", sent_at, sent_at + timedelta(minutes=1)),
        ("two", sent_at + timedelta(minutes=1), sent_at + timedelta(minutes=2)),
        ("three", sent_at + timedelta(minutes=2), None),
    ]
    logged = await chat.log(group.id, chat.bob)
    assert [e.kind for e in logged] == ["message.created", "message.edited", "message.edited"]
    assert logged[-1].data["message"]["body"] == "three"


async def test_edits_are_the_senders_within_the_window(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    message = await chat.send(chat.ana, group.id)
    with pytest.raises(EditRefused) as refused:
        await _edit(chat, chat.bob, message.id, "mine now")
    assert refused.value.reason == EditRefused.NOT_SENDER
    with pytest.raises(MessageNotFound):
        await _edit(chat, chat.cy, message.id, "hi")
    with pytest.raises(Invalid):
        await _edit(chat, chat.ana, message.id, "\u202e")
    chat.clock.advance(timedelta(minutes=15, seconds=1))
    with pytest.raises(EditRefused) as late:
        await _edit(chat, chat.ana, message.id, "too late")
    assert late.value.reason == EditRefused.WINDOW_OVER


async def test_a_deletion_leaves_a_tombstone_and_erases_the_history(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    file_id = await add_file(chat.alora, chat.ana.id)
    message = await chat.send(chat.ana, group.id, "secret", attachment_file_ids=(file_id,))
    await _edit(chat, chat.ana, message.id, "still secret")
    command = c.DeleteMessage(actor=actor(chat.ana), message_id=message.id)
    deleted = await chat.alora.bus.handle(command)
    assert (deleted.body, deleted.attachment_file_ids, deleted.seq) == ("", [], 1)
    assert deleted.deleted_at == chat.clock.now()
    again = await chat.alora.bus.handle(command)
    assert again.deleted_at == deleted.deleted_at

    history = await _history(chat, chat.bob, message.id)
    assert [v.body for v in history.versions] == [""]
    async with chat.alora.units_of_work["messaging"]().reading() as uow:
        assert await uow.message_edits.of(message.id) == []
    logged = await chat.log(group.id, chat.bob)
    assert [e.kind for e in logged][-1] == "message.deleted"
    assert len(logged) == 3  # deleting again logged nothing
    assert logged[-1].data["message"]["body"] == ""
    with pytest.raises(EditRefused) as refused:
        await _edit(chat, chat.ana, message.id, "back")
    assert refused.value.reason == EditRefused.DELETED


async def test_who_may_delete(chat: Chat) -> None:
    dan = await add_user(chat.alora, "dan", verified=True)
    root = await add_user(chat.alora, "root", Role.ADMIN, verified=True)
    group = await add_conversation(
        chat.alora, [chat.ana.id, chat.bob.id, chat.cy.id, dan.id], admins=[chat.bob.id]
    )
    by_cy = await chat.send(chat.cy, group.id)
    by_dan = await chat.send(dan, group.id)
    with pytest.raises(DeleteRefused):
        await chat.alora.bus.handle(c.DeleteMessage(actor=actor(chat.cy), message_id=by_dan.id))
    for deleter, message in ((chat.bob, by_cy), (root, by_dan)):
        done = await chat.alora.bus.handle(
            c.DeleteMessage(actor=actor(deleter), message_id=message.id)
        )
        assert done.deleted_by == deleter.id
    owner_deletes = await chat.send(dan, group.id)
    await chat.alora.bus.handle(c.DeleteMessage(actor=actor(chat.ana), message_id=owner_deletes.id))
    outsider = await add_user(chat.alora, "eve", verified=True)
    with pytest.raises(MessageNotFound):
        await chat.alora.bus.handle(c.DeleteMessage(actor=actor(outsider), message_id=by_dan.id))


async def test_a_former_member_sees_messages_up_to_leaving(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    before = await chat.send(chat.ana, group.id)
    await remove_member(chat.alora, group.id, chat.bob.id)
    after = await chat.send(chat.ana, group.id)
    seen = await chat.alora.bus.handle(c.GetMessage(actor=actor(chat.bob), message_id=before.id))
    assert seen.id == before.id
    with pytest.raises(MessageNotFound):
        await chat.alora.bus.handle(c.GetMessage(actor=actor(chat.bob), message_id=after.id))
    with pytest.raises(MessageNotFound):
        await _history(chat, chat.cy, before.id)
