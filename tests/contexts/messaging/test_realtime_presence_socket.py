"""Presence for contacts only, over the WebSocket: a stranger's presence is refused, a contact's
followed, and a block or a removed connection stops it at once."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from alora_core.messaging.connections.commands import BlockUser, RemoveConnection
from support.realtime import expect, request, running_gateway

from .realtime_harness import as_user


@pytest.mark.parametrize("change", ["block", "remove"])
async def test_a_contact_no_more_stops_following_at_once(tmp_path: Path, change: str) -> None:
    async with running_gateway(tmp_path) as gw:
        ann, _ = await gw.user("ann")
        bob, bob_token = await gw.user("bob")
        stranger, _ = await gw.user("stranger")
        await gw.contacts(bob, ann)
        topic = f"presence:{ann}"
        async with gw.connect(bob_token) as ws:
            await expect(ws, "ready")
            refused = await request(ws, "subscribe", {"topics": [f"presence:{stranger}"]})
            assert refused["data"]["code"] == "topic-forbidden"
            assert (await request(ws, "subscribe", {"topics": [topic]}))["event"] == "subscribed"

            actor = as_user(uuid.UUID(ann))
            command = (
                BlockUser(actor=actor, user_id=uuid.UUID(bob))
                if change == "block"
                else RemoveConnection(actor=actor, user_id=uuid.UUID(bob))
            )
            await gw.alora.bus.handle(command)

            hidden = await expect(ws, "presence.changed")
            assert hidden["data"] == {"userId": ann, "online": False, "lastSeen": None}
            dropped = await expect(ws, "unsubscribed")
            assert dropped["data"] == {"topics": [topic], "reason": "topic-forbidden"}
            query = await request(ws, "presence.query", {"userIds": [ann]}, ref="q")
            assert query["data"]["users"] == {}
