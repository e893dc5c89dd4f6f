"""Deleting a message scrubs its earlier events from the conversation's log: every path (the
sender, a group's owner, a platform administrator, a report resolved by deletion) leaves each
of the message's events carrying its tombstone, on memory, SQLite and PostgreSQL and over HTTP;
replaying the log from 0 still ends at what a fresh fetch gives."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from alora_core.identity.model import Role, User
from alora_core.messaging.conversations import message_commands as c
from alora_core.messaging.conversations.messages_wire import message_data
from alora_core.messaging.conversations.model import ConversationEvent, Message
from contexts.messaging.builders import add_conversation
from contexts.messaging.harness import Chat, actor, open_chat
from support.backends import Backend
from support.builders import add_file, add_user
from support.http import Api, bearer, open_api

DELETERS = ("sender", "group-owner", "platform-admin", "report")


@pytest.fixture
async def chat(backend: Backend) -> Chat:
    return await open_chat(backend)


async def _delete(chat: Chat, how: str, message: Message) -> None:
    """Delete ``message`` (sent by Bob in Ana's group) the ``how`` way."""
    if how == "sender":
        await chat.alora.bus.handle(c.DeleteMessage(actor=actor(chat.bob), message_id=message.id))
        return
    if how == "group-owner":
        await chat.alora.bus.handle(c.DeleteMessage(actor=actor(chat.ana), message_id=message.id))
        return
    root = await add_user(chat.alora, "root", Role.ADMIN, verified=True)
    if how == "platform-admin":
        await chat.alora.bus.handle(c.DeleteMessage(actor=actor(root), message_id=message.id))
        return
    reported = await chat.alora.bus.handle(
        c.ReportMessage(
            actor=actor(chat.cy), message_id=message.id, reason=c.ReportReason("spam"), note=""
        )
    )
    await chat.alora.bus.handle(
        c.ResolveMessageReport(
            actor=actor(root),
            report_id=reported.report.id,
            action=c.ReportAction.DELETE_MESSAGE,
        )
    )


async def _replay(chat: Chat, user: User, conversation_id: uuid.UUID) -> list[ConversationEvent]:
    page = await chat.alora.bus.handle(
        c.ListConversationEvents(
            actor=actor(user), conversation_id=conversation_id, after=0, limit=500
        )
    )
    assert not page.has_more
    return page.events


def _fold(events: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The messages a client holds after applying ``{event, data}`` items in order."""
    held: dict[str, dict[str, Any]] = {}
    for item in events:
        if item["event"].startswith("message."):
            message = item["data"]["message"]
            held[message["id"]] = message
    return held


@pytest.mark.parametrize("how", DELETERS)
async def test_no_event_of_a_deleted_message_keeps_its_bodies(chat: Chat, how: str) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id, chat.cy.id])
    photo = await add_file(chat.alora, chat.bob.id)
    secret = await chat.send(chat.bob, group.id, "first secret", attachment_file_ids=(photo,))
    kept = await chat.send(chat.ana, group.id, "stays readable", reply_to_id=secret.id)
    await chat.alora.bus.handle(
        c.EditMessage(actor=actor(chat.bob), message_id=secret.id, body="second secret")
    )
    await chat.alora.bus.handle(c.MarkRead(actor=actor(chat.cy), conversation_id=group.id, up_to=2))
    await _delete(chat, how, secret)

    tomb = await chat.alora.bus.handle(c.GetMessage(actor=actor(chat.cy), message_id=secret.id))
    assert tomb.deleted and tomb.body == "" and tomb.attachment_file_ids == []
    logged = await chat.log(group.id, chat.cy)
    of_secret = [e for e in logged if e.message_id == secret.id]
    assert [e.kind for e in of_secret] == ["message.created", "message.edited", "message.deleted"]
    for event in of_secret:
        assert event.data == {
            "conversationId": str(group.id),
            "eventSeq": event.seq,
            "message": message_data(tomb),
        }
    assert [e.message_id for e in logged if e.kind == "read.updated"] == [None]
    [kept_event] = [e for e in logged if e.message_id == kept.id]
    assert kept_event.data["message"]["body"] == "stays readable"
    dumped = json.dumps([e.data for e in logged])
    assert "secret" not in dumped and str(photo) not in dumped


async def test_replaying_from_zero_ends_at_a_fresh_fetch(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id, chat.cy.id])
    first = await chat.send(chat.bob, group.id, "edited then gone")
    await chat.send(chat.ana, group.id, "plain")
    gone = await chat.send(chat.bob, group.id, "gone at once")
    await chat.alora.bus.handle(
        c.EditMessage(actor=actor(chat.bob), message_id=first.id, body="edited once")
    )
    for message in (first, gone):
        await chat.alora.bus.handle(c.DeleteMessage(actor=actor(chat.bob), message_id=message.id))

    events = await _replay(chat, chat.cy, group.id)
    held = _fold([{"event": e.kind, "data": e.data} for e in events])
    fetched = await chat.alora.bus.handle(
        c.ListMessages(actor=actor(chat.cy), conversation_id=group.id)
    )
    assert held == {str(m.id): message_data(m) for m in fetched}
    assert all(e.data["message"]["body"] == "" for e in events if e.message_id == first.id)


async def test_a_second_deletion_changes_nothing(chat: Chat) -> None:
    group = await add_conversation(chat.alora, [chat.ana.id, chat.bob.id])
    message = await chat.send(chat.bob, group.id, "once")
    for _ in range(2):
        await chat.alora.bus.handle(c.DeleteMessage(actor=actor(chat.bob), message_id=message.id))
    logged = await chat.log(group.id, chat.ana)
    assert [e.kind for e in logged] == ["message.created", "message.deleted"]
    assert logged[0].data["message"] == logged[1].data["message"]


# -- over HTTP ---------------------------------------------------------------------------------


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for opened in open_api(tmp_path):
        yield opened


@pytest.mark.parametrize("how", ["sender", "report"])
async def test_the_http_replay_shows_only_the_tombstone(api: Api, how: str) -> None:
    client = api.client
    ana, ana_token = await api.user("ana")
    bob, bob_token = await api.user("bob")
    conversation = await add_conversation(api.alora, [uuid.UUID(ana["id"]), uuid.UUID(bob["id"])])
    photo = await add_file(api.alora, uuid.UUID(ana["id"]))
    sent = await client.post(
        f"/api/v1/conversations/{conversation.id}/messages",
        json={"clientId": "web-1", "body": "first secret", "attachmentFileIds": [str(photo)]},
        headers=bearer(ana_token),
    )
    assert sent.status_code == 201, sent.text
    url = f"/api/v1/messages/{sent.json()['id']}"
    edited = await client.patch(url, json={"body": "second secret"}, headers=bearer(ana_token))
    assert edited.status_code == 200, edited.text
    if how == "sender":
        assert (await client.delete(url, headers=bearer(ana_token))).status_code == 204
    else:
        report = await client.post(
            f"{url}/report", json={"reason": "spam"}, headers=bearer(bob_token)
        )
        _, admin = await api.admin()
        resolved = await client.post(
            f"/api/v1/admin/message-reports/{report.json()['id']}/resolve",
            json={"action": "delete-message"},
            headers=bearer(admin),
        )
        assert resolved.status_code == 200, resolved.text

    fresh = (await client.get(url, headers=bearer(bob_token))).json()
    assert fresh["body"] == "" and fresh["deletedAt"]
    replay = await client.get(
        f"/api/v1/conversations/{conversation.id}/events",
        params={"after": 0},
        headers=bearer(bob_token),
    )
    assert replay.status_code == 200, replay.text
    events = replay.json()["events"]
    assert [e["event"] for e in events] == ["message.created", "message.edited", "message.deleted"]
    assert all(e["data"]["message"] == fresh for e in events)
    assert _fold(events) == {fresh["id"]: fresh}
    assert "secret" not in replay.text and str(photo) not in replay.text
