"""The real-time gateway's wire protocol: parsing client messages and topics, encoding replies."""

from __future__ import annotations

import json
import uuid

import pytest

from entrypoints.http.realtime.protocol import (
    MAX_TOPICS_PER_SOCKET,
    MAX_USER_IDS_PER_QUERY,
    Auth,
    Empty,
    PresenceQuery,
    ProtocolError,
    Topic,
    Topics,
    encode,
    parse_message,
    parse_topic,
)

USER = uuid.UUID("0190a4a4-0000-7000-8000-000000000001")


def test_a_ping_needs_no_data_and_may_carry_an_id() -> None:
    message = parse_message('{"event": "ping"}')
    assert (message.event, message.ref) == ("ping", None)
    assert isinstance(message.data, Empty)
    assert parse_message('{"event": "ping", "data": {}, "id": "a-1"}').ref == "a-1"
    assert parse_message('{"event": "pong", "data": {"at": 5}, "id": 3}').ref == 3


def test_payloads_are_typed_and_camel_case() -> None:
    subscribe = parse_message(json.dumps({"event": "subscribe", "data": {"topics": ["a", "b"]}}))
    assert subscribe.data == Topics(topics=["a", "b"])
    query = parse_message(
        json.dumps({"event": "presence.query", "data": {"userIds": [str(USER)]}, "id": 1})
    )
    assert query.data == PresenceQuery(user_ids=[USER])
    assert parse_message('{"event": "auth", "data": {"token": "t"}}').data == Auth(token="t")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{",
        "null",
        "[]",
        '"ping"',
        "{}",
        '{"event": ""}',
        '{"event": 1}',
        '{"event": "ping", "extra": true}',
        '{"event": "ping", "id": {"x": 1}}',
        '{"event": "ping", "id": "' + "x" * 65 + '"}',
    ],
)
def test_a_malformed_envelope_is_a_bad_message(text: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_message(text)
    assert caught.value.code == "bad-message"


def test_an_unknown_event_is_named_and_keeps_the_id() -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_message('{"event": "notification.created", "id": "x"}')
    error = json.loads(caught.value.to_message())
    assert error == {
        "event": "error",
        "data": {
            "code": "unknown-event",
            "message": "unknown event 'notification.created'",
            "event": "notification.created",
        },
        "id": "x",
    }


def test_data_that_is_not_an_object_is_invalid() -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_message('{"event": "ping", "data": []}')
    assert caught.value.code == "invalid"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"topics": "user:x"},
        {"topics": []},
        {"topics": [""]},
        {"topics": ["t"] * (MAX_TOPICS_PER_SOCKET + 1)},
        {"topics": ["t"], "more": 1},
    ],
)
def test_invalid_subscribe_data(data: dict[str, object]) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_message(json.dumps({"event": "subscribe", "data": data, "id": 9}))
    assert caught.value.code == "invalid"
    assert caught.value.ref == 9
    assert caught.value.message.startswith("subscribe: ")


@pytest.mark.parametrize(
    "data",
    [
        {"userIds": []},
        {"userIds": ["nope"]},
        {"user_ids": [str(USER)]},
        {"userIds": [str(uuid.uuid4()) for _ in range(MAX_USER_IDS_PER_QUERY + 1)]},
    ],
)
def test_invalid_presence_queries(data: dict[str, object]) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_message(json.dumps({"event": "presence.query", "data": data}))
    assert caught.value.code == "invalid"


KINDS = frozenset({"user", "presence"})


def test_topics_have_one_canonical_spelling() -> None:
    assert parse_topic(f"user:{USER}", KINDS) == Topic("user", USER)
    topic = parse_topic(f"presence:{str(USER).upper()}", KINDS)
    assert topic is not None and (topic.kind, topic.id) == ("presence", USER)
    assert str(topic) == f"presence:{USER}"
    for text in [
        f"conversation:{USER}",
        f"presence:{USER.hex}",
        f"presence:{{{USER}}}",
        f"presence:urn:uuid:{USER}",
        "presence:",
        "presence",
        f"Presence:{USER}",
        "",
    ]:
        assert parse_topic(text, KINDS) is None, text


def test_a_topic_kind_is_one_of_those_given() -> None:
    assert parse_topic(f"conversation:{USER}", {"conversation"}) == Topic("conversation", USER)
    assert parse_topic(f"user:{USER}", {"conversation"}) is None
    assert parse_topic(f"user:{USER}", ()) is None


def test_encode_adds_the_id_only_when_there_is_one() -> None:
    assert json.loads(encode("pong", {})) == {"event": "pong", "data": {}}
    assert json.loads(encode("pong", {}, 0)) == {"event": "pong", "data": {}, "id": 0}
    assert json.loads(encode("x", {"s": "é"}, "r")) == {"event": "x", "data": {"s": "é"}, "id": "r"}
