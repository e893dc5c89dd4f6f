"""The wire protocol of ``WS /api/v1/ws``: envelopes, client messages, topics, close codes.

Every message, both ways, is one JSON text frame ``{"event": "<name>", "data": {...}}``. A
client may add ``"id"`` (a string of up to 64 characters, or an integer) to a message; the
direct answer to it (``pong``, ``subscribed``, ``unsubscribed``, ``presence.state``,
``authenticated`` or ``error``) carries the same ``id``.

Client to server:

- ``ping`` -> ``pong``. ``pong``: the answer to the server's heartbeat ``ping``.
- ``subscribe {"topics": [...]}`` -> ``subscribed {"topics": [...]}``, all or nothing: one
  refused topic refuses the message with ``error`` code ``topic-forbidden`` (naming the refused
  ``topics``). Topics: ``user:<own id>`` (always subscribed) and ``<kind>:<id>`` for the kinds
  the contexts' modules define, each with its rule of who may follow it (where several modules
  rule one kind, every rule must allow). At most 100 topics per socket.
- ``unsubscribe {"topics": [...]}`` -> ``unsubscribed {"topics": [...]}``. The server also
  sends ``unsubscribed {"topics": [...], "reason": "topic-forbidden"}`` (no ``id``) when a
  topic's rule no longer allows the socket to follow it (``access.changed``, see
  ``session.py``).
- ``presence.query {"userIds": [...]}`` (1 to 100 ids) -> ``presence.state {"users": {"<id>":
  {"online": bool, "lastSeen": "<ISO 8601>" | null}}}``; users the caller may not see, or that
  do not exist, are left out.
- ``auth {"token": "<access token>"}`` -> ``authenticated {}``: a fresh access token of the same
  user, so the socket outlives the token it was opened with.
- the events the contexts' modules accept (``ContextModule.inbound``), each answered with its
  own reply event.

Server to client: the answers above; ``ready {"userId", "socketId", "heartbeatSeconds",
"maxMessageBytes", "messagesPerMinute"}`` once the socket is set up; ``ping {}`` every
heartbeat; ``presence.changed {"userId", "online", "lastSeen"}`` on ``presence:<id>`` (and
``{"online": false, "lastSeen": null}`` when the user is hidden from the socket); and
whatever the contexts publish to the user (``notification.created``, ``notification.read`` ...).
A malformed or unknown message is answered with ``error {"code", "message"}`` (codes
``bad-message``, ``unknown-event``, ``invalid``, ``topic-forbidden``, ``too-many-topics``,
``unauthenticated``, and ``internal`` when the server failed) and the socket stays open.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Collection, Mapping
from enum import IntEnum
from typing import Annotated, Any

import msgspec
from attrs import frozen

from entrypoints.http.schemas import RequestSchema

MAX_TOPICS_PER_SOCKET = 100
MAX_USER_IDS_PER_QUERY = 100
MAX_TOKEN_LENGTH = 4096


class CloseCode(IntEnum):
    """Why the server closed a socket (the close frame's reason says it in words)."""

    GOING_AWAY = 1001
    """The server is shutting down (uvicorn itself closes with 1012 when it restarts)."""
    UNSUPPORTED_DATA = 1003
    """A binary frame: send JSON text frames."""
    MESSAGE_TOO_BIG = 1009
    """A message over ``ALORA_WS_MAX_MESSAGE_BYTES``."""
    INTERNAL_ERROR = 1011
    UNAUTHENTICATED = 4401
    """No access token, or one that is invalid or expired, or its session ended."""
    FORBIDDEN_ORIGIN = 4403
    """A cookie-authenticated socket opened from an origin that is not allowed."""
    HEARTBEAT_MISSED = 4408
    """Nothing received in answer to two heartbeat pings."""
    REPLACED = 4409
    """The user opened more sockets than ``ALORA_WS_MAX_SOCKETS_PER_USER``: this, their oldest,
    made room for the newest."""
    RATE_LIMITED = 4429
    """More messages than ``ALORA_WS_MESSAGES_PER_MINUTE``."""


@frozen
class Close:
    """How the server closes a socket."""

    code: int
    reason: str


class MessageBudget:
    """A token bucket: a burst of ``per_minute`` messages, refilled at ``per_minute`` a minute."""

    def __init__(self, per_minute: int) -> None:
        self._capacity = float(per_minute)
        self._tokens = float(per_minute)
        self._per_second = per_minute / 60
        self._updated = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._per_second)
        self._updated = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


Ref = str | int | None


class ProtocolError(Exception):
    """A client message the server answers with an ``error`` event (the socket stays open)."""

    def __init__(self, code: str, message: str, ref: Ref = None, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.ref = ref
        self.details = details

    def to_message(self) -> str:
        return encode(
            "error", {"code": self.code, "message": self.message, **self.details}, self.ref
        )


# --- client messages -----------------------------------------------------------------------------


class _Envelope(msgspec.Struct, forbid_unknown_fields=True):
    event: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    data: msgspec.Raw = msgspec.field(default_factory=lambda: msgspec.Raw(b"{}"))
    id: Annotated[str, msgspec.Meta(max_length=64)] | int | None = None


class Empty(msgspec.Struct):
    """The data of ``ping`` and ``pong``; fields are ignored."""


class Topics(RequestSchema):
    topics: Annotated[
        list[Annotated[str, msgspec.Meta(min_length=1, max_length=200)]],
        msgspec.Meta(min_length=1, max_length=MAX_TOPICS_PER_SOCKET),
    ]


class PresenceQuery(RequestSchema):
    user_ids: Annotated[
        list[uuid.UUID], msgspec.Meta(min_length=1, max_length=MAX_USER_IDS_PER_QUERY)
    ]


class Auth(RequestSchema):
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_TOKEN_LENGTH)]


PAYLOADS: dict[str, type[msgspec.Struct]] = {
    "ping": Empty,
    "pong": Empty,
    "subscribe": Topics,
    "unsubscribe": Topics,
    "presence.query": PresenceQuery,
    "auth": Auth,
}


@frozen
class ClientMessage:
    event: str
    data: msgspec.Struct
    ref: Ref = None


def parse_message(
    text: str, payloads: Mapping[str, type[msgspec.Struct]] = PAYLOADS
) -> ClientMessage:
    """One client message; ``ProtocolError`` ``bad-message``, ``unknown-event`` or ``invalid``.
    ``payloads``: the data type of each event the server accepts."""
    try:
        envelope = msgspec.json.decode(text, type=_Envelope)
    except msgspec.DecodeError as exc:
        raise ProtocolError(
            "bad-message", f'expected {{"event": "<name>", "data": {{...}}}}: {exc}'
        ) from None
    payload_type = payloads.get(envelope.event)
    if payload_type is None:
        raise ProtocolError(
            "unknown-event", f"unknown event {envelope.event!r}", envelope.id, event=envelope.event
        )
    try:
        data = msgspec.json.decode(envelope.data, type=payload_type)
    except msgspec.DecodeError as exc:
        raise ProtocolError("invalid", f"{envelope.event}: {exc}", envelope.id) from None
    return ClientMessage(envelope.event, data, envelope.id)


# --- topics --------------------------------------------------------------------------------------

USER_TOPIC = "user"


@frozen
class Topic:
    kind: str
    id: uuid.UUID

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


def parse_topic(text: str, kinds: Collection[str]) -> Topic | None:
    """``<kind>:<uuid>`` for one of ``kinds``; None for anything else."""
    kind, _, rest = text.partition(":")
    if kind not in kinds:
        return None
    try:
        topic_id = uuid.UUID(rest)
    except ValueError:
        return None
    if str(topic_id) != rest.lower():  # one spelling per topic: the canonical one
        return None
    return Topic(kind, topic_id)


# --- server messages -----------------------------------------------------------------------------

_encode = msgspec.json.Encoder().encode


def encode(event: str, data: dict[str, Any], ref: Ref = None) -> str:
    message: dict[str, Any] = {"event": event, "data": data}
    if ref is not None:
        message["id"] = ref
    return _encode(message).decode()
