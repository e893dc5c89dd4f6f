"""Messages, read state, reports and catching up over HTTP, on the in-memory wiring: the happy
paths, bad input, and 404 for a non-member on every conversation, message and marker route."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from attrs import define

from alora_core.messaging.conversations.message_commands import PruneConversationEvents
from alora_core.messaging.conversations.messages_wire import message_data
from alora_core.messaging.conversations.model import Message
from contexts.messaging.builders import add_conversation
from support.http import UNKNOWN_ID, Api, assert_problem, bearer, open_api

MESSAGE_KEYS = {
    "id", "conversationId", "seq", "senderId", "clientId", "body", "attachmentFileIds",
    "replyToId", "createdAt", "editedAt", "deletedAt",
}  # fmt: skip


@define
class Room:
    api: Api
    ana: str
    ana_id: str
    bob: str
    bob_id: str
    eve: str
    """Not a member."""
    conversation_id: str

    async def send(self, token: str, body: str = "Hello", **fields: Any) -> dict[str, Any]:
        payload = {"clientId": uuid.uuid4().hex, "body": body, **fields}
        response = await self.api.client.post(
            f"/api/v1/conversations/{self.conversation_id}/messages",
            json=payload,
            headers=bearer(token),
        )
        assert response.status_code == 201, response.text
        body_: dict[str, Any] = response.json()
        return body_


@pytest.fixture
async def room(tmp_path: Path) -> AsyncIterator[Room]:
    async for api in open_api(tmp_path):
        ana, ana_token = await api.user("ana")
        bob, bob_token = await api.user("bob")
        _, eve_token = await api.user("eve")
        conversation = await add_conversation(
            api.alora, [uuid.UUID(ana["id"]), uuid.UUID(bob["id"])]
        )
        yield Room(
            api=api,
            ana=ana_token,
            ana_id=ana["id"],
            bob=bob_token,
            bob_id=bob["id"],
            eve=eve_token,
            conversation_id=str(conversation.id),
        )


async def test_send_retry_page_edit_history_and_delete(room: Room) -> None:
    client = room.api.client
    url = f"/api/v1/conversations/{room.conversation_id}/messages"
    body = {"clientId": "web-1", "body": " Hi\nthere "}
    first = await client.post(url, json=body, headers=bearer(room.ana))
    assert first.status_code == 201, first.text
    message = first.json()
    assert set(message) == MESSAGE_KEYS
    assert (message["seq"], message["body"], message["senderId"]) == (1, "Hi\nthere", room.ana_id)
    retry = await client.post(url, json=body, headers=bearer(room.ana))
    assert retry.status_code == 201 and retry.json() == message

    reply = await room.send(room.bob, "Yes?", replyTo=message["id"])
    page = await client.get(url, headers=bearer(room.bob))
    assert [m["seq"] for m in page.json()["messages"]] == [1, 2]
    older = await client.get(url, params={"before": 2, "limit": 1}, headers=bearer(room.bob))
    assert [m["id"] for m in older.json()["messages"]] == [message["id"]]
    got = await client.get(f"/api/v1/messages/{reply['id']}", headers=bearer(room.ana))
    assert got.json()["replyToId"] == message["id"]

    edited = await client.patch(
        f"/api/v1/messages/{message['id']}", json={"body": "Hi!"}, headers=bearer(room.ana)
    )
    assert edited.status_code == 200 and edited.json()["editedAt"]
    history = await client.get(
        f"/api/v1/messages/{message['id']}/history", headers=bearer(room.bob)
    )
    assert [v["body"] for v in history.json()["versions"]] == ["Hi\nthere", "Hi!"]
    assert history.json()["versions"][-1]["replacedAt"] is None
    refused = await client.patch(
        f"/api/v1/messages/{message['id']}", json={"body": "Mine"}, headers=bearer(room.bob)
    )
    assert assert_problem(refused, 409)["reason"] == "not-sender"

    for _ in range(2):
        deleted = await client.delete(f"/api/v1/messages/{message['id']}", headers=bearer(room.ana))
        assert deleted.status_code == 204
    tomb = (await client.get(f"/api/v1/messages/{message['id']}", headers=bearer(room.bob))).json()
    assert tomb["body"] == "" and tomb["deletedAt"]
    anas = await room.send(room.ana)
    others = await client.delete(f"/api/v1/messages/{anas['id']}", headers=bearer(room.bob))
    assert assert_problem(others, 403)["reason"] == "may-not-delete"


async def test_the_response_is_the_events_message(room: Room) -> None:
    sent = await room.send(room.ana, attachmentFileIds=[])
    async with room.api.alora.units_of_work["messaging"]().reading() as uow:
        stored = await uow.messages.get(uuid.UUID(sent["id"]))
    assert isinstance(stored, Message)
    assert sent == message_data(stored)


async def test_read_markers_unread_and_events(room: Room) -> None:
    client = room.api.client
    base = f"/api/v1/conversations/{room.conversation_id}"
    for _ in range(3):
        await room.send(room.ana)
    unread = await client.get("/api/v1/conversations/unread", headers=bearer(room.bob))
    assert unread.json() == {"total": 3, "conversations": 1}
    read = await client.post(f"{base}/read", json={"upTo": 2}, headers=bearer(room.bob))
    assert read.status_code == 200 and read.json() == {"readUpTo": 2, "unreadCount": 1}
    back = await client.post(f"{base}/read", json={"upTo": 1}, headers=bearer(room.bob))
    assert back.json() == {"readUpTo": 2, "unreadCount": 1}
    clamped = await client.post(f"{base}/read", json={"upTo": 99}, headers=bearer(room.bob))
    assert clamped.json() == {"readUpTo": 3, "unreadCount": 0}
    markers = await client.get(f"{base}/read-markers", headers=bearer(room.ana))
    assert markers.json() == {
        "markers": [{"userId": room.ana_id, "upTo": 3}, {"userId": room.bob_id, "upTo": 3}]
    }

    events = await client.get(f"{base}/events", params={"after": 2}, headers=bearer(room.ana))
    found = events.json()
    assert [e["event"] for e in found["events"]] == [
        "message.created",
        "read.updated",
        "read.updated",
    ]
    assert found["eventSeq"] == 5 and found["hasMore"] is False
    assert found["events"][0]["data"]["eventSeq"] == 3
    limited = await client.get(
        f"{base}/events", params={"after": 0, "limit": 1}, headers=bearer(room.ana)
    )
    assert limited.json()["hasMore"] is True


async def test_reports_and_the_admin_queue(room: Room) -> None:
    client = room.api.client
    message = await room.send(room.ana, "Buy now")
    url = f"/api/v1/messages/{message['id']}/report"
    first = await client.post(url, json={"reason": "spam"}, headers=bearer(room.bob))
    assert first.status_code == 201, first.text
    again = await client.post(url, json={"reason": "abuse"}, headers=bearer(room.bob))
    assert again.status_code == 201 and again.json() == first.json()
    own = await client.post(url, json={"reason": "spam"}, headers=bearer(room.ana))
    assert_problem(own, 422, "messageId")

    queue_url = "/api/v1/admin/message-reports"
    assert_problem(await client.get(queue_url, headers=bearer(room.bob)), 403)
    _, admin = await room.api.admin()
    queue = (await client.get(queue_url, headers=bearer(admin))).json()
    assert queue["total"] == 1 and queue["items"][0]["messageBody"] == "Buy now"
    assert queue["items"][0]["conversationId"] == room.conversation_id
    report_id = first.json()["id"]
    resolved = await client.post(
        f"{queue_url}/{report_id}/resolve",
        json={"action": "delete-message"},
        headers=bearer(admin),
    )
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "actioned" and resolved.json()["messageDeleted"]
    assert (
        await client.get(queue_url, params={"status": "actioned"}, headers=bearer(admin))
    ).json()["total"] == 1
    for bad in ({"action": "ban"}, {"action": "dismiss", "x": 1}, {}):
        response = await client.post(
            f"{queue_url}/{report_id}/resolve", json=bad, headers=bearer(admin)
        )
        assert_problem(response, 422)
    unknown = await client.post(
        f"{queue_url}/{UNKNOWN_ID}/resolve", json={"action": "dismiss"}, headers=bearer(admin)
    )
    assert_problem(unknown, 404)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": "Hi"}, "clientId"),
        ({"clientId": "", "body": "Hi"}, "clientId"),
        ({"clientId": "x" * 65, "body": "Hi"}, "clientId"),
        ({"clientId": "has space", "body": "Hi"}, "clientId"),
        ({"clientId": "ok", "body": ""}, "body"),
        ({"clientId": "ok", "body": "   "}, "body"),
        ({"clientId": "ok", "body": "x" * 4001}, "body"),
        ({"clientId": "ok", "body": "abc\u202edef"}, "body"),
        ({"clientId": "ok", "body": 5}, "body"),
        ({"clientId": "ok", "body": "Hi", "extra": 1}, "extra"),
        ({"clientId": "ok", "body": "Hi", "attachmentFileIds": [UNKNOWN_ID]}, "attachmentFileIds"),
        ({"clientId": "ok", "body": "Hi", "attachmentFileIds": "no"}, "attachmentFileIds"),
        ({"clientId": "ok", "body": "Hi", "replyTo": UNKNOWN_ID}, "replyTo"),
        ({"clientId": "ok", "body": "Hi", "replyTo": "nope"}, "replyTo"),
    ],
)
async def test_bad_messages_are_422(room: Room, payload: dict[str, Any], field: str) -> None:
    response = await room.api.client.post(
        f"/api/v1/conversations/{room.conversation_id}/messages",
        json=payload,
        headers=bearer(room.ana),
    )
    assert_problem(response, 422, field)


async def test_bad_bodies_and_parameters(room: Room) -> None:
    client = room.api.client
    base = f"/api/v1/conversations/{room.conversation_id}"
    message = await room.send(room.ana)
    malformed = await client.post(
        f"{base}/messages",
        content=b"{not json",
        headers=bearer(room.ana) | {"content-type": "application/json"},
    )
    assert_problem(malformed, 400)
    for params in (
        {"limit": 0},
        {"limit": 101},
        {"before": 0},
        {"after": -1},
        {"after": "x"},
        {"before": 2**40},
    ):
        response = await client.get(f"{base}/messages", params=params, headers=bearer(room.ana))
        _bad_parameter(response)
    for params in ({}, {"after": -1}, {"after": 0, "limit": 501}, {"after": 2**70}):
        response = await client.get(f"{base}/events", params=params, headers=bearer(room.ana))
        _bad_parameter(response)
    for read in (
        {"upTo": -1},
        {"upTo": "x"},
        {"upTo": 1.5},
        {},
        {"upTo": 1, "at": 2},
        {"upTo": 2**40},
    ):
        assert_problem(await client.post(f"{base}/read", json=read, headers=bearer(room.ana)), 422)
    for edit in ({"body": ""}, {"body": "\u2067"}, {"body": 1}, {}):
        response = await client.patch(
            f"/api/v1/messages/{message['id']}", json=edit, headers=bearer(room.ana)
        )
        assert_problem(response, 422)
    for report in ({"reason": "boring"}, {"reason": "spam", "note": "x" * 1001}, {}):
        response = await client.post(
            f"/api/v1/messages/{message['id']}/report", json=report, headers=bearer(room.bob)
        )
        assert_problem(response, 422)
    admin_params = {"status": "closed"}
    _, admin = await room.api.admin()
    response = await client.get(
        "/api/v1/admin/message-reports", params=admin_params, headers=bearer(admin)
    )
    _bad_parameter(response)


def _bad_parameter(response: httpx.Response) -> None:
    assert response.status_code in (400, 422), response.text
    assert_problem(response, response.status_code)


async def test_a_non_member_gets_404_everywhere(room: Room) -> None:
    client = room.api.client
    message = await room.send(room.ana)
    conversation_ids = (room.conversation_id, UNKNOWN_ID, "not-an-id")
    for conversation_id in conversation_ids:
        base = f"/api/v1/conversations/{conversation_id}"
        calls = [
            client.post(
                f"{base}/messages", json={"clientId": "a", "body": "b"}, headers=bearer(room.eve)
            ),
            client.get(f"{base}/messages", headers=bearer(room.eve)),
            client.post(f"{base}/read", json={"upTo": 1}, headers=bearer(room.eve)),
            client.get(f"{base}/read-markers", headers=bearer(room.eve)),
            client.get(f"{base}/events", params={"after": 0}, headers=bearer(room.eve)),
        ]
        for call in calls:
            assert_problem(await call, 404)
    for message_id in (message["id"], UNKNOWN_ID, "not-an-id"):
        url = f"/api/v1/messages/{message_id}"
        calls = [
            client.get(url, headers=bearer(room.eve)),
            client.patch(url, json={"body": "x"}, headers=bearer(room.eve)),
            client.delete(url, headers=bearer(room.eve)),
            client.get(f"{url}/history", headers=bearer(room.eve)),
            client.post(f"{url}/report", json={"reason": "spam"}, headers=bearer(room.eve)),
        ]
        for call in calls:
            assert_problem(await call, 404)
    assert (await client.get("/api/v1/conversations/unread", headers=bearer(room.eve))).json() == {
        "total": 0,
        "conversations": 0,
    }


async def test_without_credentials_every_route_is_401(room: Room) -> None:
    client = room.api.client
    base = f"/api/v1/conversations/{room.conversation_id}"
    for response in (
        await client.get(f"{base}/messages"),
        await client.get("/api/v1/conversations/unread"),
        await client.get(f"/api/v1/messages/{UNKNOWN_ID}"),
        await client.get("/api/v1/admin/message-reports"),
    ):
        assert_problem(response, 401)


async def test_a_cursor_before_the_kept_events_is_410(room: Room) -> None:
    await room.send(room.ana)
    await room.send(room.ana)
    room.api.clock.advance(timedelta(seconds=1))
    await room.api.alora.bus.handle(PruneConversationEvents(kept=timedelta(0)))
    await room.send(room.ana)
    url = f"/api/v1/conversations/{room.conversation_id}/events"
    gone = await room.api.client.get(url, params={"after": 1}, headers=bearer(room.bob))
    assert assert_problem(gone, 410)["type"].endswith("/resync-required")
    kept = await room.api.client.get(url, params={"after": 2}, headers=bearer(room.bob))
    assert [e["data"]["message"]["seq"] for e in kept.json()["events"]] == [3]
