"""Presence follows visibility as it changes: when a user hides their profile, the sockets that
may no longer see them stop following their presence at once, on every API process (the users
are contacts: presence shows to contacts only)."""

from __future__ import annotations

from pathlib import Path

from alora_core.shared.clock import FixedClock
from entrypoints.bootstrap import memory_store
from support.http import bearer
from support.realtime import Gateway, expect, quiet, request, running_gateway


async def set_visibility(gw: Gateway, token: str, visibility: str) -> None:
    response = await gw.api.client.put(
        "/api/v1/users/me/settings", json={"profileVisibility": visibility}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text


async def test_hiding_stops_the_presence_of_a_user_at_once(tmp_path: Path) -> None:
    async with running_gateway(tmp_path) as gw:
        await _hidden_at_once(gw, gw)


async def test_hiding_on_one_process_stops_it_on_the_other(tmp_path: Path, redis_url: str) -> None:
    store, clock = memory_store(), FixedClock()
    async with (
        running_gateway(tmp_path / "a", redis_url=redis_url, store=store, clock=clock) as one,
        running_gateway(tmp_path / "b", redis_url=redis_url, store=store, clock=clock) as two,
    ):
        await _hidden_at_once(one, two)


async def _hidden_at_once(changed_on: Gateway, watched_on: Gateway) -> None:
    ann, ann_token = await changed_on.user("ann")
    bob_id, bob_token = await changed_on.user("bob")
    await changed_on.contacts(bob_id, ann)
    topic = f"presence:{ann}"
    async with watched_on.connect(bob_token) as bob:
        await expect(bob, "ready")
        async with watched_on.connect(ann_token) as own:
            await expect(own, "ready")
            for ws in (bob, own):
                assert (await request(ws, "subscribe", {"topics": [topic]}))[
                    "event"
                ] == "subscribed"

            await set_visibility(changed_on, ann_token, "private")
            hidden = await expect(bob, "presence.changed")
            assert hidden == {
                "event": "presence.changed",
                "data": {"userId": ann, "online": False, "lastSeen": None},
            }
            dropped = await expect(bob, "unsubscribed")
            assert dropped == {
                "event": "unsubscribed",
                "data": {"topics": [topic], "reason": "topic-forbidden"},
            }
            await quiet(own)  # Ann herself may still follow her presence
        await quiet(bob, 0.8)  # Ann goes offline (0.3 s of grace): Bob is not told
        again = await request(bob, "subscribe", {"topics": [topic]}, ref="again")
        assert again["data"]["code"] == "topic-forbidden"


async def test_a_change_that_still_allows_the_follower_keeps_the_presence(tmp_path: Path) -> None:
    async with running_gateway(tmp_path) as gw:
        ann, ann_token = await gw.user("ann")
        bob_id, bob_token = await gw.user("bob")
        await gw.contacts(bob_id, ann)
        async with gw.connect(bob_token) as bob:
            await expect(bob, "ready")
            await request(bob, "subscribe", {"topics": [f"presence:{ann}"]})
            await set_visibility(gw, ann_token, "registered")  # Bob is signed in: still allowed
            await quiet(bob, 0.3)
            async with gw.connect(ann_token) as ann_ws:
                await expect(ann_ws, "ready")
                online = await expect(bob, "presence.changed")
                assert online["data"] == {"userId": ann, "online": True, "lastSeen": None}
