"""``WS /api/v1/ws`` served by uvicorn, with ``websockets`` clients.

Authentication (query token, bearer header, cookie, origin), the envelope protocol, fan-out to
every socket of a user, topic subscriptions, presence with its grace period, the heartbeat,
the size and rate caps, two API processes sharing Redis, and the app built from settings.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import httpx
import msgspec
import pytest
from websockets.asyncio.client import connect

from alora_core.identity.commands import CreateAdmin
from alora_core.shared.clock import FixedClock
from alora_core.shared.errors import Forbidden
from alora_core.shared.realtime import user_topic
from entrypoints.bootstrap import memory_store
from entrypoints.http.app import create_app
from entrypoints.http.realtime import RealtimeHub
from entrypoints.http.realtime import session as session_module
from entrypoints.migrations import upgrade
from entrypoints.modules import MODULES, ContextModule
from entrypoints.modules.base import InboundEvent
from support.http import PASSWORD, bearer, make_settings
from support.realtime import (
    GATEWAY_ENV,
    Gateway,
    answering_pings,
    closed,
    eventually,
    expect,
    quiet,
    realtime_parts,
    request,
    running_gateway,
    serve,
)


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[Gateway]:
    async with running_gateway(tmp_path) as value:
        yield value


async def make_private(gw: Gateway, token: str) -> None:
    response = await gw.api.client.put(
        "/api/v1/users/me/settings", json={"profileVisibility": "private"}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text


# --- authentication ------------------------------------------------------------------------------


async def test_a_query_token_opens_a_ready_socket(gateway: Gateway) -> None:
    ann, token = await gateway.user("ann")
    async with gateway.connect(token) as ws:
        ready = await expect(ws, "ready")
        assert ready["data"]["userId"] == ann
        uuid.UUID(ready["data"]["socketId"])
        assert ready["data"]["heartbeatSeconds"] == 30
        assert ready["data"]["maxMessageBytes"] == gateway.api.settings.ws_max_message_bytes
        assert ready["data"]["messagesPerMinute"] == 1000
        assert "id" not in ready

        await ws.send(json.dumps({"event": "ping", "data": {}, "id": 7}))
        assert await expect(ws, "pong") == {"event": "pong", "data": {}, "id": 7}
        await ws.send(json.dumps({"event": "ping"}))  # data and id are optional
        assert await expect(ws, "pong") == {"event": "pong", "data": {}}


async def test_the_query_token_stays_out_of_the_access_log(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="uvicorn.error")
    _, token = await gateway.user("ann")
    async with gateway.connect(token) as ws:
        await expect(ws, "ready")
    assert "WebSocket /api/v1/ws?token=" in caplog.text
    assert token not in caplog.text


async def test_a_bearer_header_authenticates(gateway: Gateway) -> None:
    ann, token = await gateway.user("ann")
    async with gateway.connect(headers=bearer(token)) as ws:
        assert (await expect(ws, "ready"))["data"]["userId"] == ann


async def test_the_access_cookie_authenticates_from_an_allowed_origin(gateway: Gateway) -> None:
    ann, token = await gateway.user("ann")
    cookie = {"Cookie": f"alora_access={token}"}
    async with gateway.connect(headers=cookie) as ws:  # no Origin: not a browser
        assert (await expect(ws, "ready"))["data"]["userId"] == ann
    own_origin = {**cookie, "Origin": gateway.base_url}
    async with gateway.connect(headers=own_origin) as ws:
        assert (await expect(ws, "ready"))["data"]["userId"] == ann


async def test_the_access_cookie_from_another_site_is_refused(gateway: Gateway) -> None:
    _, token = await gateway.user("ann")
    headers = {"Cookie": f"alora_access={token}", "Origin": "https://evil.example"}
    async with gateway.connect(headers=headers) as ws:
        assert await closed(ws) == (4403, "origin not allowed")
    # A token the page cannot read (not a cookie) is not subject to the origin rule.
    async with gateway.connect(token, headers={"Origin": "https://app.example"}) as ws:
        await expect(ws, "ready")


@pytest.mark.parametrize(
    "token", [None, "", "not-a-jwt", "x" * 5000], ids=["none", "empty", "garbage", "huge"]
)
async def test_missing_or_invalid_tokens_close_with_4401(
    gateway: Gateway, token: str | None
) -> None:
    async with gateway.connect(token) as ws:
        assert await closed(ws) == (4401, "access token missing, invalid or expired")


async def test_an_expired_token_closes_with_4401(gateway: Gateway) -> None:
    _, token = await gateway.user("ann")
    gateway.clock.advance(timedelta(minutes=16))
    async with gateway.connect(token) as ws:
        assert (await closed(ws))[0] == 4401


async def test_a_signed_out_session_closes_with_4401(gateway: Gateway) -> None:
    _, token = await gateway.user("ann")
    response = await gateway.api.client.post("/api/v1/auth/logout", headers=bearer(token))
    assert response.status_code == 204, response.text
    async with gateway.connect(token) as ws:
        assert (await closed(ws))[0] == 4401


async def test_an_open_socket_closes_as_soon_as_its_session_ends(gateway: Gateway) -> None:
    _, token = await gateway.user("ann")
    other = (await gateway.api.login("ann"))["accessToken"]
    async with gateway.connect(token) as ending, gateway.connect(other) as staying:
        await expect(ending, "ready")
        await expect(staying, "ready")
        response = await gateway.api.client.post("/api/v1/auth/logout", headers=bearer(token))
        assert response.status_code == 204, response.text
        assert await closed(ending) == (4401, "session ended")
        answer = await request(staying, "ping", {})
        assert answer["event"] == "pong"


async def test_the_token_is_checked_again_on_every_heartbeat(tmp_path: Path) -> None:
    async with running_gateway(tmp_path, ALORA_WS_HEARTBEAT_SECONDS="1") as gw:
        _, token = await gw.user("ann")
        async with gw.connect(token) as renewed, gw.connect(token) as stale:
            await expect(renewed, "ready")
            await expect(stale, "ready")
            gw.clock.advance(timedelta(minutes=10))
            fresh = (await gw.api.login("ann"))["accessToken"]
            answer = await request(renewed, "auth", {"token": fresh})
            assert answer == {"event": "authenticated", "data": {}, "id": "r1"}
            gw.clock.advance(timedelta(minutes=6))  # the first token has expired

            code, reason = await closed(stale)
            assert (code, reason) == (4401, "access token expired or session ended")
            await expect(renewed, "ping", skip_pings=False)
            await renewed.send(json.dumps({"event": "pong"}))
            assert (await request(renewed, "ping", ref="still-open"))["event"] == "pong"


async def test_auth_refuses_a_bad_token_or_another_users(gateway: Gateway) -> None:
    _, ann_token = await gateway.user("ann")
    _, bob_token = await gateway.user("bob")
    async with gateway.connect(ann_token) as ws:
        await expect(ws, "ready")
        bad = await request(ws, "auth", {"token": "nope"})
        assert bad["data"]["code"] == "unauthenticated"
        other = await request(ws, "auth", {"token": bob_token})
        assert other["event"] == "error"
        assert other["data"] == {
            "code": "unauthenticated",
            "message": "the access token is another user's",
        }


# --- fan-out -------------------------------------------------------------------------------------


async def test_an_event_for_a_user_reaches_each_of_their_sockets_only(gateway: Gateway) -> None:
    ann, ann_token = await gateway.user("ann")
    _, bob_token = await gateway.user("bob")
    async with (
        gateway.connect(ann_token) as phone,
        gateway.connect(ann_token) as laptop,
        gateway.connect(bob_token) as bob,
    ):
        for ws in (phone, laptop, bob):
            await expect(ws, "ready")
        data = {"id": str(uuid.uuid4()), "title": "Booking confirmed"}
        await gateway.alora.realtime.realtime.publish(
            user_topic(uuid.UUID(ann)), "notification.created", data
        )
        for ws in (phone, laptop):
            assert await expect(ws, "notification.created") == {
                "event": "notification.created",
                "data": data,
            }
        await quiet(bob)
        assert gateway.hub.channels.channel_count == 2

    # Every channel is forgotten once its sockets are gone.
    await eventually(lambda: gateway.hub.channels.channel_count == 0)


async def test_publishing_with_no_socket_listening_is_fine(gateway: Gateway) -> None:
    await gateway.alora.realtime.realtime.publish(
        user_topic(uuid.uuid4()), "notification.read", {"ids": []}
    )


# --- subscriptions -------------------------------------------------------------------------------


async def test_subscribe_to_presence_of_visible_users_only(gateway: Gateway) -> None:
    ann, _ = await gateway.user("ann")
    hidden, hidden_token = await gateway.user("hidden")
    await make_private(gateway, hidden_token)
    bob, bob_token = await gateway.user("bob")
    stranger, _ = await gateway.user("stranger")
    await gateway.contacts(bob, ann, hidden)
    async with gateway.connect(bob_token) as ws:
        await expect(ws, "ready")
        ok = await request(ws, "subscribe", {"topics": [f"presence:{ann}", f"user:{bob}"]})
        assert ok == {
            "event": "subscribed",
            "data": {"topics": [f"presence:{ann}", f"user:{bob}"]},
            "id": "r1",
        }
        for topic in [
            f"presence:{hidden}",  # a contact's private profile
            f"presence:{stranger}",  # a visible profile, no contact
            f"presence:{uuid.uuid4()}",
            f"user:{ann}",
            f"conversation:{uuid.uuid4()}",
            "presence:not-a-uuid",
            f"presence:{{{ann}}}",
        ]:
            refused = await request(ws, "subscribe", {"topics": [f"presence:{bob}", topic]})
            assert refused["event"] == "error", topic
            assert refused["data"]["code"] == "topic-forbidden"
            assert refused["data"]["topics"] == [topic]
        # The hidden user sees their own presence topic.
    async with gateway.connect(hidden_token) as ws:
        await expect(ws, "ready")
        own = await request(ws, "subscribe", {"topics": [f"presence:{hidden}"]})
        assert own["event"] == "subscribed"


async def test_unsubscribe(gateway: Gateway) -> None:
    ann, ann_token = await gateway.user("ann")
    bob, bob_token = await gateway.user("bob")
    await gateway.contacts(bob, ann)
    async with gateway.connect(bob_token) as ws:
        await expect(ws, "ready")
        await request(ws, "subscribe", {"topics": [f"presence:{ann}"]})
        gone = await request(ws, "unsubscribe", {"topics": [f"presence:{ann}", "presence:x"]})
        assert gone["data"] == {"topics": [f"presence:{ann}", "presence:x"]}
        own = await request(ws, "unsubscribe", {"topics": [f"user:{bob}"]})
        assert own["data"]["code"] == "invalid"
        async with gateway.connect(ann_token) as ann_ws:
            await expect(ann_ws, "ready")
            await quiet(ws, 0.3)  # no presence.changed for ann any more


async def test_topics_per_socket_are_capped(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session_module, "MAX_TOPICS_PER_SOCKET", 2)
    users = [(await gateway.user(name))[0] for name in ("ann", "bea", "cid")]
    bob, token = await gateway.user("bob")
    await gateway.contacts(bob, *users)
    async with gateway.connect(token) as ws:
        await expect(ws, "ready")
        topics = [f"presence:{user}" for user in users]
        assert (await request(ws, "subscribe", {"topics": topics[:2]}))["event"] == "subscribed"
        again = await request(ws, "subscribe", {"topics": topics[:2]})
        assert again["event"] == "subscribed"  # already subscribed: nothing new
        over = await request(ws, "subscribe", {"topics": topics[2:]})
        assert over["data"]["code"] == "too-many-topics"


# --- presence ------------------------------------------------------------------------------------


async def test_presence_goes_online_then_offline_after_the_grace_period(tmp_path: Path) -> None:
    async with running_gateway(tmp_path, ALORA_PRESENCE_GRACE_SECONDS="1") as gw:
        await _online_then_offline(gw)


async def _online_then_offline(gateway: Gateway) -> None:
    ann, ann_token = await gateway.user("ann")
    bob_id, bob_token = await gateway.user("bob")
    await gateway.contacts(bob_id, ann)
    async with gateway.connect(bob_token) as bob:
        await expect(bob, "ready")
        await request(bob, "subscribe", {"topics": [f"presence:{ann}"]})

        first = await gateway.connect(ann_token)
        await expect(first, "ready")
        online = await expect(bob, "presence.changed")
        assert online["data"] == {"userId": ann, "online": True, "lastSeen": None}

        async with gateway.connect(ann_token) as second:
            await expect(second, "ready")
            await first.close()
            await quiet(bob, 0.5)  # another socket is still open
        # The last socket closed: offline once the grace period (1 s) is over.
        state = await request(bob, "presence.query", {"userIds": [ann]}, ref="q1")
        assert state["data"]["users"][ann] == {"online": True, "lastSeen": None}
        offline = await expect(bob, "presence.changed", wait=3)
        assert offline["data"]["userId"] == ann
        assert offline["data"]["online"] is False
        assert offline["data"]["lastSeen"].endswith("Z")

        state = await request(bob, "presence.query", {"userIds": [ann]}, ref="q2")
        assert state["data"]["users"][ann] == {
            "online": False,
            "lastSeen": offline["data"]["lastSeen"],
        }


async def test_coming_back_within_the_grace_period_announces_nothing(tmp_path: Path) -> None:
    async with running_gateway(tmp_path, ALORA_PRESENCE_GRACE_SECONDS="1") as gw:
        await _back_within_grace(gw)


async def _back_within_grace(gateway: Gateway) -> None:
    ann, ann_token = await gateway.user("ann")
    bob_id, bob_token = await gateway.user("bob")
    await gateway.contacts(bob_id, ann)
    async with gateway.connect(bob_token) as bob:
        await expect(bob, "ready")
        await request(bob, "subscribe", {"topics": [f"presence:{ann}"]})
        async with gateway.connect(ann_token) as ws:
            await expect(ws, "ready")
        await expect(bob, "presence.changed")  # online
        async with gateway.connect(ann_token) as ws:
            await expect(ws, "ready")
            await quiet(bob, 1.5)


async def test_presence_query_answers_for_visible_users_only(gateway: Gateway) -> None:
    ann, ann_token = await gateway.user("ann")
    hidden, hidden_token = await gateway.user("hidden")
    await make_private(gateway, hidden_token)
    never, _ = await gateway.user("never")
    bob, bob_token = await gateway.user("bob")
    stranger, stranger_token = await gateway.user("stranger")
    await gateway.contacts(bob, ann, hidden, never)
    async with (
        gateway.connect(ann_token) as ann_ws,
        gateway.connect(hidden_token) as hidden_ws,
        gateway.connect(stranger_token) as stranger_ws,
    ):
        for ws in (ann_ws, hidden_ws, stranger_ws):
            await expect(ws, "ready")
        async with gateway.connect(bob_token) as ws:
            await expect(ws, "ready")
            ids = [ann, hidden, never, stranger, bob, str(uuid.uuid4()), ann]
            answer = await request(ws, "presence.query", {"userIds": ids})
            assert answer == {
                "event": "presence.state",
                "data": {
                    "users": {
                        ann: {"online": True, "lastSeen": None},
                        never: {"online": False, "lastSeen": None},
                        bob: {"online": True, "lastSeen": None},
                    }
                },
                "id": "r1",
            }
            too_many = [str(uuid.uuid4()) for _ in range(101)]
            refused = await request(ws, "presence.query", {"userIds": too_many})
            assert refused["data"]["code"] == "invalid"


async def test_the_sweeper_announces_users_of_a_dead_process_offline(tmp_path: Path) -> None:
    async with running_gateway(tmp_path, ALORA_WS_HEARTBEAT_SECONDS="1") as gw:
        ann, _ = await gw.user("ann")
        bob_id, bob_token = await gw.user("bob")
        await gw.contacts(bob_id, ann)
        async with gw.connect(bob_token) as bob:
            await expect(bob, "ready")
            await request(bob, "subscribe", {"topics": [f"presence:{ann}"]})
            # A socket of ann's in another process, which dies: no heartbeat, no disconnect.
            assert await gw.parts.presence.connect(uuid.UUID(ann), uuid.uuid4()) is True
            async with answering_pings(bob) as inbox:
                changed = await asyncio.wait_for(inbox.get(), 6)  # TTL 2.5 s, then a sweep
            assert changed["event"] == "presence.changed"
            assert changed["data"]["userId"] == ann
            assert changed["data"]["online"] is False


async def test_the_hub_asks_open_sockets_to_close_at_shutdown(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    hub = RealtimeHub(realtime_parts(settings), settings, MODULES)
    socket_id, asked = uuid.uuid4(), []

    def request_close(code: int, reason: str) -> None:
        asked.append((code, reason))
        hub.remove_socket(socket_id)

    async with hub.lifespan(create_app(settings)):
        hub.add_socket(socket_id, request_close)
    assert asked == [(1001, "server shutting down")]


# --- protocol errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("{not json", "bad-message"),
        ("[1, 2]", "bad-message"),
        ('{"data": {}}', "bad-message"),
        ('{"event": "ping", "extra": 1}', "bad-message"),
        ('{"event": "dance", "data": {}}', "unknown-event"),
        ('{"event": "subscribe", "data": {"topics": "presence:x"}}', "invalid"),
        ('{"event": "subscribe", "data": {"topics": []}}', "invalid"),
        ('{"event": "presence.query", "data": {"userIds": ["nope"]}}', "invalid"),
        ('{"event": "presence.query", "data": {"userIds": [], "more": 1}}', "invalid"),
    ],
)
async def test_malformed_messages_are_answered_with_an_error(
    gateway: Gateway, text: str, code: str
) -> None:
    _, token = await gateway.user("ann")
    async with gateway.connect(token) as ws:
        await expect(ws, "ready")
        await ws.send(text)
        error = await expect(ws, "error")
        assert error["data"]["code"] == code
        assert error["data"]["message"]
        assert (await request(ws, "ping"))["event"] == "pong"  # the socket stays usable


async def test_a_failing_presence_store_fails_answers_not_sockets(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def unreachable(*_: object) -> None:
        raise ConnectionError("presence store unreachable")

    for name in ("connect", "disconnect", "query"):
        monkeypatch.setattr(gateway.parts.presence, name, unreachable)
    ann, token = await gateway.user("ann")
    async with gateway.connect(token) as ws:
        await expect(ws, "ready")
        answer = await request(ws, "presence.query", {"userIds": [ann]})
        assert answer["data"] == {"code": "internal", "message": "the server failed; try again"}
        assert (await request(ws, "ping", ref="after"))["event"] == "pong"
    assert "real-time presence.query failed" in caplog.text


# --- abuse ---------------------------------------------------------------------------------------


async def test_an_oversized_message_closes_with_1009(tmp_path: Path) -> None:
    async with running_gateway(tmp_path, ALORA_WS_MAX_MESSAGE_BYTES="1024") as gw:
        _, token = await gw.user("ann")
        async with gw.connect(token) as ws:
            await expect(ws, "ready")
            fits = json.dumps({"event": "ping", "data": {"pad": "é" * 480}}, ensure_ascii=False)
            await ws.send(fits)  # 998 bytes (518 characters)
            await expect(ws, "pong")
            too_big = json.dumps({"event": "ping", "data": {"pad": "é" * 500}}, ensure_ascii=False)
            await ws.send(too_big)  # 1038 bytes (538 characters)
            assert await closed(ws) == (1009, "messages are limited to 1024 bytes")


async def test_a_binary_frame_closes_with_1003(gateway: Gateway) -> None:
    _, token = await gateway.user("ann")
    async with gateway.connect(token) as ws:
        await expect(ws, "ready")
        await ws.send(b'{"event": "ping"}')
        assert (await closed(ws))[0] == 1003


async def test_too_many_messages_close_with_4429(tmp_path: Path) -> None:
    async with running_gateway(tmp_path, ALORA_WS_MESSAGES_PER_MINUTE="5") as gw:
        _, token = await gw.user("ann")
        async with gw.connect(token) as ws:
            await expect(ws, "ready")
            for _ in range(6):
                await ws.send(json.dumps({"event": "ping"}))
            for _ in range(5):
                await expect(ws, "pong")
            assert await closed(ws) == (4429, "over 5 messages per minute")


async def test_a_socket_that_misses_two_heartbeats_is_closed(tmp_path: Path) -> None:
    async with running_gateway(tmp_path, ALORA_WS_HEARTBEAT_SECONDS="1") as gw:
        _, token = await gw.user("ann")
        async with gw.connect(token) as silent, gw.connect(token) as alive:
            await expect(silent, "ready")
            await expect(alive, "ready")

            async with answering_pings(alive):
                assert await expect(silent, "ping", skip_pings=False) == {
                    "event": "ping",
                    "data": {},
                }
                await expect(silent, "ping", skip_pings=False)
                assert await closed(silent, wait=3) == (4408, "no answer to two heartbeat pings")
                assert alive.close_code is None


# --- a module's topics and inbound events --------------------------------------------------------


class Say(msgspec.Struct, forbid_unknown_fields=True):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]


def chat_module(rooms: dict[uuid.UUID, set[uuid.UUID]]) -> ContextModule:
    """A context of the test's own: ``chat.say`` is answered with ``chat.said`` (a domain error
    for "secret"); ``room:<id>`` may be followed by the room's members in ``rooms``."""

    async def say(alora: Any, actor: Any, data: Say, state: Any) -> Mapping[str, Any]:
        if data.text == "secret":
            raise Forbidden("secrets stay unsaid")
        return {"text": data.text.upper(), "by": str(actor.user_id), "at": alora.clock.now()}

    async def may_join(alora: Any, actor: Any, room_id: uuid.UUID) -> bool:
        return actor.user_id in rooms.get(room_id, set())

    return ContextModule(
        name="chat",
        sql_unit_of_work="adapters.sqlalchemy.uow:SqlUnitOfWork",
        memory_unit_of_work="adapters.memory.uow:MemoryUnitOfWork",
        commands=lambda _wiring: {},
        topics={"room": may_join},
        inbound={"chat.say": InboundEvent(Say, say, "chat.said")},
    )


async def test_a_modules_inbound_events_and_topic_policy_work_end_to_end(tmp_path: Path) -> None:
    rooms: dict[uuid.UUID, set[uuid.UUID]] = {}
    async with running_gateway(tmp_path, modules=[*MODULES, chat_module(rooms)]) as gw:
        ann, token = await gw.user("ann")
        mine, theirs = uuid.uuid4(), uuid.uuid4()
        rooms[mine] = {uuid.UUID(ann)}
        async with gw.connect(token) as ws:
            await expect(ws, "ready")

            said = await request(ws, "chat.say", {"text": "hello"}, ref="s1")
            assert said == {
                "event": "chat.said",
                "data": {
                    "text": "HELLO",
                    "by": ann,
                    "at": gw.clock.now().isoformat().replace("+00:00", "Z"),
                },
                "id": "s1",
            }
            refused = await request(ws, "chat.say", {"text": "secret"}, ref="s2")
            assert refused == {
                "event": "error",
                "data": {"code": "forbidden", "message": "secrets stay unsaid"},
                "id": "s2",
            }
            invalid = await request(ws, "chat.say", {"text": ""}, ref="s3")
            assert (invalid["event"], invalid["data"]["code"]) == ("error", "invalid")

            joined = await request(ws, "subscribe", {"topics": [f"room:{mine}"]}, ref="j1")
            assert joined == {
                "event": "subscribed",
                "data": {"topics": [f"room:{mine}"]},
                "id": "j1",
            }
            await gw.alora.realtime.realtime.publish(f"room:{mine}", "chat.said", {"text": "HI"})
            assert (await expect(ws, "chat.said"))["data"] == {"text": "HI"}
            for topic in (f"room:{theirs}", f"hall:{mine}"):
                kept_out = await request(ws, "subscribe", {"topics": [topic]}, ref="j2")
                assert kept_out["data"] == {
                    "code": "topic-forbidden",
                    "message": "no such topic, or not yours to see",
                    "topics": [topic],
                }
            await gw.alora.realtime.realtime.publish(f"room:{theirs}", "chat.said", {"text": "X"})
            await quiet(ws)
            # Still answered after the errors: they cost the socket nothing.
            assert (await request(ws, "chat.say", {"text": "bye"}, ref="s4"))[
                "event"
            ] == "chat.said"


async def test_without_the_module_its_events_and_topics_are_unknown(gateway: Gateway) -> None:
    _, token = await gateway.user("ann")
    async with gateway.connect(token) as ws:
        await expect(ws, "ready")
        unknown = await request(ws, "chat.say", {"text": "hello"})
        assert unknown["data"]["code"] == "unknown-event"
        refused = await request(ws, "subscribe", {"topics": [f"room:{uuid.uuid4()}"]}, ref="r2")
        assert refused["data"]["code"] == "topic-forbidden"


# --- several API processes -----------------------------------------------------------------------


async def test_two_processes_share_fan_out_and_presence_through_redis(
    tmp_path: Path, redis_url: str
) -> None:
    store, clock = memory_store(), FixedClock()
    async with (
        running_gateway(tmp_path / "a", redis_url=redis_url, store=store, clock=clock) as one,
        running_gateway(tmp_path / "b", redis_url=redis_url, store=store, clock=clock) as two,
    ):
        ann, ann_token = await one.user("ann")
        bob_id, bob_token = await one.user("bob")
        await one.contacts(bob_id, ann)
        async with two.connect(bob_token) as bob:
            await expect(bob, "ready")
            await request(bob, "subscribe", {"topics": [f"presence:{ann}"]})
            async with one.connect(ann_token) as on_one, two.connect(ann_token) as on_two:
                await expect(on_one, "ready")
                await expect(on_two, "ready")
                online = await expect(bob, "presence.changed")
                assert online["data"]["online"] is True
                await quiet(bob, 0.3)  # one announcement, though ann joined on both

                data = {"id": str(uuid.uuid4())}
                await one.parts.realtime.publish(
                    user_topic(uuid.UUID(ann)), "notification.created", data
                )
                assert (await expect(on_one, "notification.created"))["data"] == data
                assert (await expect(on_two, "notification.created"))["data"] == data
                await quiet(bob)

                # A worker process: Redis parts of its own, with no app and no channels plugin.
                worker = realtime_parts(one.api.settings, redis_url)
                try:
                    await worker.realtime.publish(
                        user_topic(uuid.UUID(ann)), "notification.read", {"ids": []}
                    )
                finally:
                    await worker.close()
                for ws in (on_one, on_two):
                    assert (await expect(ws, "notification.read"))["data"] == {"ids": []}

                state = await request(bob, "presence.query", {"userIds": [ann]}, ref="q")
                assert state["data"]["users"][ann]["online"] is True
            offline = await expect(bob, "presence.changed", wait=3)
            assert offline["data"]["online"] is False


async def test_shutting_the_server_down_closes_open_sockets(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_gateway(tmp_path) as gw:
        _, token = await gw.user("ann")
        ws = await gw.connect(token)
        await expect(ws, "ready")
    code, _ = await closed(ws)
    assert code in {1001, 1012}  # uvicorn closes with 1012 before the app's own 1001
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# --- the real wiring -----------------------------------------------------------------------------


async def test_the_app_built_from_settings_shares_its_realtime_parts(
    tmp_path: Path, sqlite_url: str
) -> None:
    """``alora serve``: the parts ``create_app`` builds are the ones Alora publishes through."""
    await upgrade(sqlite_url)
    settings = make_settings(
        tmp_path, ALORA_DATABASE_URL=sqlite_url, ALORA_LOG_LEVEL="warning", **GATEWAY_ENV
    )
    app = create_app(settings)
    async with serve(app) as base_url:
        alora = app.state.alora
        assert alora.realtime is app.state.realtime_hub.parts
        admin = await alora.bus.handle(
            CreateAdmin(
                full_name="Root", username="root", email="root@example.com", password=PASSWORD
            )
        )
        async with httpx.AsyncClient(base_url=base_url) as client:
            response = await client.post(
                "/api/v1/auth/login", json={"identifier": "root", "password": PASSWORD}
            )
            assert response.status_code == 200, response.text
            token = response.json()["accessToken"]
        url = base_url.replace("http://", "ws://") + f"/api/v1/ws?token={token}"
        async with connect(url, proxy=None, ping_interval=None) as ws:
            await expect(ws, "ready")
            await alora.realtime.realtime.publish(user_topic(admin.id), "notification.created", {})
            assert (await expect(ws, "notification.created"))["data"] == {}
