"""Resuming without gaps or duplicates, the Zulip way: a client's initial state plus the events
it receives (pushed live, or fetched from the conversation's event log after a reconnect, each
applied once by its ``eventSeq``) equals the state fetched afresh, across a disconnect during
which messages were sent, edited, deleted and read."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from attrs import define, field
from websockets.asyncio.client import ClientConnection

from support.http import bearer
from support.realtime import Gateway, expect, running_gateway

from .realtime_harness import make_conversation

CONVERSATIONS = "/api/v1/conversations"
MESSAGES = "/api/v1/messages"
CHANGES = {"message.created", "message.edited", "message.deleted", "read.updated"}


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[Gateway]:
    async with running_gateway(tmp_path) as value:
        yield value


@define
class User:
    gw: Gateway
    id: str
    token: str
    sent: int = 0

    async def call(self, method: str, url: str, body: Any = None) -> Any:
        response = await self.gw.api.client.request(
            method, url, json=body, headers=bearer(self.token)
        )
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    async def send(self, conversation: uuid.UUID, body: str) -> str:
        self.sent += 1
        message = await self.call(
            "POST",
            f"{CONVERSATIONS}/{conversation}/messages",
            {"clientId": f"{self.id[:8]}-{self.sent}", "body": body},
        )
        message_id: str = message["id"]
        return message_id


@define
class Client:
    """What a client knows of one conversation: its messages, read markers and eventSeq."""

    messages: dict[str, Any] = field(factory=dict)
    markers: dict[str, int] = field(factory=dict)
    event_seq: int = 0
    applied: list[int] = field(factory=list)

    def apply(self, event: str, data: dict[str, Any]) -> None:
        if data["eventSeq"] <= self.event_seq:
            return  # seen already: pushed while catching up, or fetched before its push
        self.event_seq = data["eventSeq"]
        self.applied.append(data["eventSeq"])
        if event.startswith("message."):
            message = data["message"]
            self.messages[message["id"]] = message
            sender = message["senderId"]
            if event == "message.created" and sender in self.markers:  # its sender read it
                self.markers[sender] = max(self.markers[sender], message["seq"])
        elif event == "read.updated":
            self.markers[data["userId"]] = data["upTo"]


async def fetch(user: User, conversation: uuid.UUID) -> Client:
    """The state afresh: eventSeq first, then what it covers (nothing changes in between)."""
    events = await user.call("GET", f"{CONVERSATIONS}/{conversation}/events?after=0&limit=500")
    messages = await user.call("GET", f"{CONVERSATIONS}/{conversation}/messages?limit=100")
    markers = await user.call("GET", f"{CONVERSATIONS}/{conversation}/read-markers")
    return Client(
        messages={m["id"]: m for m in messages["messages"]},
        markers={m["userId"]: m["upTo"] for m in markers["markers"]},
        event_seq=events["eventSeq"],
    )


async def pushed(ws: ClientConnection, until_seq: int) -> list[dict[str, Any]]:
    """The conversation changes pushed on ``ws`` up to the one numbered ``until_seq``."""
    received: list[dict[str, Any]] = []
    while not received or received[-1]["data"]["eventSeq"] < until_seq:
        message = json.loads(await asyncio.wait_for(ws.recv(), 5))
        if message["event"] in CHANGES:
            received.append(message)
    return received


async def test_a_client_catching_up_reaches_the_state_fetched_afresh(gateway: Gateway) -> None:
    ann = User(gateway, *await gateway.user("ann"))
    bob = User(gateway, *await gateway.user("bob"))
    conversation = await make_conversation(gateway.alora, [uuid.UUID(ann.id), uuid.UUID(bob.id)])
    first = await ann.send(conversation, "Hello Bob")
    second = await ann.send(conversation, "Are you there?")
    await bob.call("POST", f"{CONVERSATIONS}/{conversation}/read", {"upTo": 1})

    client = await fetch(bob, conversation)
    async with gateway.connect(bob.token) as ws:  # listening live
        await expect(ws, "ready")
        third = await ann.send(conversation, "Third")
        for message in await pushed(ws, client.event_seq + 1):
            client.apply(message["event"], message["data"])
        assert third in client.messages

    # Disconnected: messages are sent, edited, deleted and read meanwhile.
    await ann.send(conversation, "While you were away")
    await ann.call("PATCH", f"{MESSAGES}/{first}", {"body": "Hello Bob (edited)"})
    await ann.call("DELETE", f"{MESSAGES}/{second}")
    await bob.call("POST", f"{CONVERSATIONS}/{conversation}/read", {"upTo": 3})
    await ann.call("POST", f"{CONVERSATIONS}/{conversation}/read", {"upTo": 4})

    async with gateway.connect(bob.token) as ws:  # reconnected: listen first, then catch up
        await expect(ws, "ready")
        await ann.send(conversation, "Sent while catching up")
        listed = await bob.call("GET", CONVERSATIONS)  # which conversations moved on
        [entry] = [c for c in listed["items"] if c["id"] == str(conversation)]
        assert entry["eventSeq"] > client.event_seq
        after = client.event_seq
        while True:
            page = await bob.call(
                "GET", f"{CONVERSATIONS}/{conversation}/events?after={after}&limit=2"
            )
            for event in page["events"]:
                client.apply(event["event"], event["data"])
            if not page["hasMore"]:
                break
            after = page["events"][-1]["data"]["eventSeq"]
        for message in await pushed(ws, page["eventSeq"]):  # already applied: skipped
            client.apply(message["event"], message["data"])

    fresh = await fetch(bob, conversation)
    assert client.messages == fresh.messages
    assert client.markers == fresh.markers
    assert client.event_seq == fresh.event_seq
    listed = await bob.call("GET", CONVERSATIONS)
    assert [c["eventSeq"] for c in listed["items"]] == [client.event_seq]
    assert client.applied == sorted(set(client.applied))  # each change applied once, in order
    assert client.messages[first]["body"] == "Hello Bob (edited)"
    assert client.messages[second]["body"] == "" and client.messages[second]["deletedAt"]
