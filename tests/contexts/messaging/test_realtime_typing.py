"""Typing over the WebSocket: ``typing.start`` / ``typing.stop`` from a member reach the other
members' sockets, throttled per socket; a non-member is told the conversation does not exist;
a socket closing while its user types tells the others it stopped."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from alora_core.messaging.typing import TypingThrottle
from support.realtime import Gateway, expect, quiet, request, running_gateway

from .realtime_harness import make_conversation

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_the_throttle_forwards_one_start_per_two_seconds_and_stops_only_what_started() -> None:
    state: dict[str, object] = {}
    throttle, one, two = TypingThrottle(state), uuid.uuid4(), uuid.uuid4()
    assert throttle.forward(one, True, T0)
    assert not throttle.forward(one, True, T0 + timedelta(seconds=1.9))
    assert throttle.forward(two, True, T0 + timedelta(seconds=1))
    assert throttle.forward(one, True, T0 + timedelta(seconds=2))
    assert throttle.forward(one, False, T0 + timedelta(seconds=3))
    assert not throttle.forward(one, False, T0 + timedelta(seconds=3))
    assert throttle.forward(one, True, T0 + timedelta(seconds=3))  # a stop ends the throttle
    throttle.refused(one)
    assert TypingThrottle(state).still_typing(T0 + timedelta(seconds=3)) == [two]
    assert throttle.still_typing(T0 + timedelta(seconds=7)) == []  # it expired by itself
    assert not throttle.forward(two, False, T0 + timedelta(seconds=7))


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[Gateway]:
    async with running_gateway(tmp_path) as value:
        yield value


def typing(conversation: uuid.UUID, user: str, on: bool) -> dict[str, object]:
    return {
        "conversationId": str(conversation),
        "userId": user,
        "typing": on,
        "expiresInSeconds": 6,
    }


async def test_a_members_typing_reaches_the_others_once_per_two_seconds(gateway: Gateway) -> None:
    (ann, ann_token), (bob, bob_token) = await gateway.user("ann"), await gateway.user("bob")
    conversation = await make_conversation(gateway.alora, [uuid.UUID(ann), uuid.UUID(bob)])
    body = {"conversationId": str(conversation)}
    async with gateway.connect(ann_token) as typist, gateway.connect(bob_token) as reader:
        await expect(typist, "ready")
        await expect(reader, "ready")

        sent = await request(typist, "typing.start", body, ref="t1")
        assert sent == {
            "event": "typing.sent",
            "data": {**body, "typing": True, "forwarded": True},
            "id": "t1",
        }
        assert (await expect(reader, "typing"))["data"] == typing(conversation, ann, True)

        renewed = await request(typist, "typing.start", body, ref="t2")
        assert renewed["data"]["forwarded"] is False
        await quiet(reader)
        gateway.clock.advance(timedelta(seconds=2))
        assert (await request(typist, "typing.start", body, ref="t3"))["data"]["forwarded"]
        assert (await expect(reader, "typing"))["data"] == typing(conversation, ann, True)

        stopped = await request(typist, "typing.stop", body, ref="t4")
        assert stopped["data"] == {**body, "typing": False, "forwarded": True}
        assert (await expect(reader, "typing"))["data"] == typing(conversation, ann, False)
        await quiet(typist)  # the typist is not told of their own typing


async def test_a_non_member_is_told_there_is_no_such_conversation(gateway: Gateway) -> None:
    (ann, _), (bob, bob_token) = await gateway.user("ann"), await gateway.user("bob")
    _, cy_token = await gateway.user("cyd")
    conversation = await make_conversation(gateway.alora, [uuid.UUID(ann), uuid.UUID(bob)])
    async with gateway.connect(cy_token) as outsider, gateway.connect(bob_token) as reader:
        await expect(outsider, "ready")
        await expect(reader, "ready")
        for event, target in (
            ("typing.start", conversation),
            ("typing.stop", conversation),
            ("typing.start", uuid.uuid4()),
        ):
            refused = await request(outsider, event, {"conversationId": str(target)})
            assert refused["event"] == "error"
            assert refused["data"]["code"] == "not-found"
        invalid = await request(outsider, "typing.start", {"conversationId": "nope"})
        assert invalid["data"]["code"] == "invalid"
        await quiet(reader)


async def test_a_socket_closing_while_typing_stops_it_for_the_others(gateway: Gateway) -> None:
    (ann, ann_token), (bob, bob_token) = await gateway.user("ann"), await gateway.user("bob")
    conversation = await make_conversation(gateway.alora, [uuid.UUID(ann), uuid.UUID(bob)])
    async with gateway.connect(bob_token) as reader:
        await expect(reader, "ready")
        async with gateway.connect(ann_token) as typist:
            await expect(typist, "ready")
            await request(typist, "typing.start", {"conversationId": str(conversation)})
            assert (await expect(reader, "typing"))["data"]["typing"] is True
        assert (await expect(reader, "typing"))["data"] == typing(conversation, ann, False)

        async with gateway.connect(ann_token) as typist:  # stopped first: nothing more to say
            await expect(typist, "ready")
            await request(typist, "typing.start", {"conversationId": str(conversation)})
            await expect(reader, "typing")
            await request(typist, "typing.stop", {"conversationId": str(conversation)})
            await expect(reader, "typing")
        await quiet(reader, 0.3)
