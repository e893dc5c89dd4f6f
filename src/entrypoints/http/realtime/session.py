"""One socket of one signed-in user, from ``ready`` to its close (the protocol is in
``protocol.py``).

The socket follows ``user:<its user id>``, counts among its user's open sockets (beyond
``ALORA_WS_MAX_SOCKETS_PER_USER`` the oldest close with 4409, on whichever process), registers
in presence, answers client messages, forwards the events of its topics and sends ``ping``
every ``ALORA_WS_HEARTBEAT_SECONDS``. Three loops run while it is open: receiving, the
heartbeat, and rechecking topics whose rule may have narrowed. The first to end ends the
socket, and the others are cancelled and awaited then, so nothing of a socket outlives it,
even when its client vanished in the middle of an answer.

Some events on its topics are for the server, never forwarded: ``session.changed`` on the
user's topic (the token is checked again at once: 4401 when it no longer holds),
``sockets.replaced`` on the user's topic (4409 when it names this socket), and
``access.changed`` on any other topic (the topic's rule is asked again; when it now refuses,
the topic is no longer followed and the client gets ``unsubscribed {"topics": [...],
"reason": "topic-forbidden"}`` with no ``id``, after ``presence.changed`` offline with no
``lastSeen`` for a presence topic, so a hidden user shows as offline rather than as last seen).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from functools import partial
from typing import Any

import msgspec
from litestar import WebSocket
from litestar.exceptions import WebSocketDisconnect

from alora_core.identity.commands import Authenticate
from alora_core.identity.signed_in import SESSION_CHANGED
from alora_core.identity.use_cases import Principal
from alora_core.shared.errors import AloraError
from alora_core.shared.realtime import ACCESS_CHANGED, user_topic
from entrypoints.bootstrap import Alora
from entrypoints.http.auth import actor_of
from entrypoints.http.realtime.hub import SOCKETS_REPLACED, RealtimeHub
from entrypoints.http.realtime.protocol import (
    MAX_TOKEN_LENGTH,
    MAX_TOPICS_PER_SOCKET,
    PAYLOADS,
    USER_TOPIC,
    Auth,
    ClientMessage,
    Close,
    CloseCode,
    MessageBudget,
    PresenceQuery,
    ProtocolError,
    Ref,
    Topic,
    Topics,
    encode,
    parse_message,
    parse_topic,
)
from entrypoints.http.realtime.subscriptions import Subscriptions
from entrypoints.modules.base import SocketState
from entrypoints.settings import Settings

logger = logging.getLogger(__name__)

MISSED_PINGS_ALLOWED = 2
PRESENCE = "presence"
"""The topic kind whose rule also says whose presence a socket may query."""


class _SocketGone(Exception):
    """Sending failed: the client is no longer there."""


async def close_socket(socket: WebSocket[Any, Any, Any], close: Close) -> None:
    with contextlib.suppress(Exception):  # the client may be gone already
        await socket.close(close.code, close.reason)


async def authenticate(alora: Alora, token: str | None) -> Principal | None:
    """The token's principal; None when it is missing or refused."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        principal = await alora.bus.handle(Authenticate(access_token=token))
    except AloraError:
        return None
    return principal


class _Header(msgspec.Struct):
    """The envelope of an event published on a topic, its data left encoded."""

    event: str
    data: msgspec.Raw = msgspec.field(default_factory=lambda: msgspec.Raw(b"{}"))


class _Replaced(msgspec.Struct, rename="camel"):
    socket_ids: list[uuid.UUID]


_read_header = msgspec.json.Decoder(_Header).decode
_read_replaced = msgspec.json.Decoder(_Replaced).decode
_FOR_THE_SERVER = {SESSION_CHANGED, SOCKETS_REPLACED, ACCESS_CHANGED}


async def _nothing_refused() -> list[str]:
    return []


class SocketSession:
    def __init__(
        self,
        socket: WebSocket[Any, Any, Any],
        hub: RealtimeHub,
        alora: Alora,
        settings: Settings,
        principal: Principal,
        token: str,
    ) -> None:
        self.socket = socket
        self.hub = hub
        self.alora = alora
        self.settings = settings
        self.principal = principal
        self.token = token
        self.user_id = principal.user.id
        self.socket_id = uuid.uuid4()
        self.own_topic = user_topic(self.user_id)
        self._subscriptions = Subscriptions(hub.channels, self._forward)
        self._rechecks: asyncio.Queue[str] = asyncio.Queue()
        self._send_lock = asyncio.Lock()
        self._budget = MessageBudget(settings.ws_messages_per_minute)
        self._payloads = {
            **PAYLOADS,
            **{name: event.schema for name, event in hub.inbound.items()},
        }
        self._topic_kinds = {USER_TOPIC, *hub.topics}
        self._states: dict[str, SocketState] = {}
        """What the modules' inbound events keep for this socket, by module."""
        self._unanswered_pings = 0
        self._closing: asyncio.Future[Close | None] = asyncio.get_running_loop().create_future()

    async def run(self) -> None:
        self.hub.add_socket(self.socket_id, self._request_close)
        try:
            try:
                close = await self._serve()
            except Exception:
                logger.exception("real-time socket failed")
                close = Close(CloseCode.INTERNAL_ERROR, "internal error")
            if close is not None:
                logger.info("closing real-time socket: %s %s", close.code, close.reason)
                await close_socket(self.socket, close)
        finally:
            self.hub.remove_socket(self.socket_id)
            await self.hub.leave(self.user_id, self.socket_id)
            await self.hub.socket_closed(self.alora, actor_of(self.principal), self._states)

    def _request_close(self, code: int, reason: str) -> None:
        if not self._closing.done():
            self._closing.set_result(Close(code, reason))

    def _client_gone(self) -> None:
        if not self._closing.done():
            self._closing.set_result(None)

    async def _serve(self) -> Close | None:
        try:
            await self._subscriptions.follow([self.own_topic], _nothing_refused)
            await self.hub.join(self.user_id, self.socket_id)
            await self._send(
                encode(
                    "ready",
                    {
                        "userId": str(self.user_id),
                        "socketId": str(self.socket_id),
                        "heartbeatSeconds": self.settings.ws_heartbeat_seconds,
                        "maxMessageBytes": self.settings.ws_max_message_bytes,
                        "messagesPerMinute": self.settings.ws_messages_per_minute,
                    },
                )
            )
            return await self._run_loops()
        except _SocketGone:
            return None
        finally:
            await self._subscriptions.close()

    async def _run_loops(self) -> Close | None:
        """Run the loops until one ends or a close is requested; every loop is over on return."""
        loops = [
            asyncio.create_task(self._receive_loop()),
            asyncio.create_task(self._heartbeat_loop()),
            asyncio.create_task(self._recheck_loop()),
        ]
        try:
            done, _ = await asyncio.wait(
                [*loops, self._closing], return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            for task in loops:
                task.cancel()
            # Every loop's end is collected here, so none is left running or unretrieved.
            await asyncio.gather(*loops, return_exceptions=True)
        ended = next(future for future in (self._closing, *loops) if future in done)
        return ended.result()  # a loop's _SocketGone: the client left, nothing to close

    # --- sending ---------------------------------------------------------------------------------

    async def _send(self, text: str) -> None:
        async with self._send_lock:
            try:
                await self.socket.send_text(text)
            except Exception as exc:
                raise _SocketGone from exc

    async def _forward(self, topic: str, payload: bytes) -> None:
        """Send one event of a followed topic, or act on one for the server (never raises: it
        runs in the topic's subscriber)."""
        try:
            header = _read_header(payload)
        except msgspec.DecodeError:
            header = _Header(event="")
        if header.event in _FOR_THE_SERVER:
            await self._act_on(topic, header)
            return
        try:
            await self._send(payload.decode())
        except _SocketGone:
            self._client_gone()

    async def _act_on(self, topic: str, header: _Header) -> None:
        if header.event == ACCESS_CHANGED:
            if topic != self.own_topic:
                self._rechecks.put_nowait(topic)  # dropping a topic stops its subscriber
        elif topic != self.own_topic:
            return
        elif header.event == SESSION_CHANGED:
            if not await self._still_authenticated():
                self._request_close(CloseCode.UNAUTHENTICATED, "session ended")
        elif header.event == SOCKETS_REPLACED:
            try:
                named = _read_replaced(header.data).socket_ids
            except msgspec.DecodeError:
                return
            if self.socket_id in named:
                self._request_close(CloseCode.REPLACED, self.hub.replaced_reason)

    # --- receiving -------------------------------------------------------------------------------

    async def _receive_loop(self) -> Close | None:
        limit = self.settings.ws_max_message_bytes
        while True:
            try:
                message = await self.socket.receive()
            except WebSocketDisconnect:
                return None
            if message["type"] == "websocket.disconnect":
                return None
            text = message.get("text")
            if not isinstance(text, str):
                return Close(CloseCode.UNSUPPORTED_DATA, "binary frames are not supported")
            if len(text) > limit or len(text.encode()) > limit:
                return Close(CloseCode.MESSAGE_TOO_BIG, f"messages are limited to {limit} bytes")
            if not self._budget.take():
                per_minute = self.settings.ws_messages_per_minute
                return Close(CloseCode.RATE_LIMITED, f"over {per_minute} messages per minute")
            self._unanswered_pings = 0
            reply = await self._answer(text)
            if reply is not None:
                await self._send(reply)

    async def _answer(self, text: str) -> str | None:
        try:
            message = parse_message(text, self._payloads)
        except ProtocolError as error:
            return error.to_message()
        try:
            return await self._dispatch(message)
        except ProtocolError as error:
            return error.to_message()
        except Exception:  # e.g. the database is unreachable: this answer fails, not the socket
            logger.exception("real-time %s failed", message.event)
            failed = ProtocolError("internal", "the server failed; try again", message.ref)
            return failed.to_message()

    async def _dispatch(self, message: ClientMessage) -> str | None:
        data, ref = message.data, message.ref
        if message.event == "ping":
            return encode("pong", {}, ref)
        if message.event == "pong":
            return None
        if isinstance(data, Topics):
            if message.event == "subscribe":
                return await self._subscribe(data.topics, ref)
            return await self._unsubscribe(data.topics, ref)
        if isinstance(data, PresenceQuery):
            return await self._query_presence(data.user_ids, ref)
        if isinstance(data, Auth):
            return await self._reauthenticate(data.token, ref)
        inbound = self.hub.inbound[message.event]
        state = self._states.setdefault(self.hub.inbound_owner[message.event], {})
        try:
            reply = await inbound.handle(self.alora, actor_of(self.principal), data, state)
        except AloraError as error:
            raise ProtocolError(error.code, error.detail, ref) from None
        return encode(inbound.reply, dict(reply), ref)

    # --- topics ----------------------------------------------------------------------------------

    async def _subscribe(self, requested: list[str], ref: Ref) -> str:
        parsed: list[Topic] = []
        unknown: list[str] = []
        for raw in dict.fromkeys(requested):
            topic = parse_topic(raw, self._topic_kinds)
            if topic is None or (topic.kind == USER_TOPIC and topic.id != self.user_id):
                unknown.append(raw)
            else:
                parsed.append(topic)
        topics = list(dict.fromkeys(str(topic) for topic in parsed))
        if unknown:
            raise _forbidden([*unknown, *await self._refused(parsed)], ref)
        new = [topic for topic in topics if topic not in self._subscriptions]
        if len(self._subscriptions) - 1 + len(new) > MAX_TOPICS_PER_SOCKET:
            raise ProtocolError(
                "too-many-topics", f"at most {MAX_TOPICS_PER_SOCKET} topics per socket", ref
            )
        refused = await self._subscriptions.follow(new, partial(self._refused, parsed))
        if refused:
            raise _forbidden(refused, ref)
        return encode("subscribed", {"topics": topics}, ref)

    async def _refused(self, topics: list[Topic]) -> list[str]:
        return [
            str(topic)
            for topic in topics
            if topic.kind != USER_TOPIC and not await self._may_follow(topic.kind, topic.id)
        ]

    async def _unsubscribe(self, requested: list[str], ref: Ref) -> str:
        topics = [
            str(parse_topic(raw, self._topic_kinds) or raw) for raw in dict.fromkeys(requested)
        ]
        if self.own_topic in topics:
            raise ProtocolError("invalid", f"{self.own_topic} cannot be unsubscribed", ref)
        await self._subscriptions.drop(topics)
        return encode("unsubscribed", {"topics": topics}, ref)

    async def _may_follow(self, kind: str, topic_id: uuid.UUID) -> bool:
        policy = self.hub.topics.get(kind)
        return policy is not None and await policy(self.alora, actor_of(self.principal), topic_id)

    async def _recheck_loop(self) -> Close | None:
        while True:
            name = await self._rechecks.get()
            topic = parse_topic(name, self._topic_kinds)
            if topic is None:
                continue
            allowed = partial(self._may_follow, topic.kind, topic.id)
            if not await self._subscriptions.recheck(name, allowed):
                continue
            if topic.kind == PRESENCE:
                hidden = {"userId": str(topic.id), "online": False, "lastSeen": None}
                await self._send(encode("presence.changed", hidden))
            await self._send(
                encode("unsubscribed", {"topics": [name], "reason": "topic-forbidden"})
            )

    # --- presence -------------------------------------------------------------------------------

    async def _query_presence(self, user_ids: list[uuid.UUID], ref: Ref) -> str:
        visible = [uid for uid in dict.fromkeys(user_ids) if await self._may_follow(PRESENCE, uid)]
        states = await self.hub.presence.query(visible)
        users = {
            str(uid): {"online": state.online, "lastSeen": state.last_seen}
            for uid, state in states.items()
        }
        return encode("presence.state", {"users": users}, ref)

    # --- heartbeat and re-authentication ---------------------------------------------------------

    async def _heartbeat_loop(self) -> Close | None:
        while True:
            await asyncio.sleep(self.settings.ws_heartbeat_seconds)
            if self._unanswered_pings >= MISSED_PINGS_ALLOWED:
                return Close(CloseCode.HEARTBEAT_MISSED, "no answer to two heartbeat pings")
            if not await self._still_authenticated():
                reason = "access token expired or session ended"
                return Close(CloseCode.UNAUTHENTICATED, reason)
            await self.hub.refresh(self.user_id, self.socket_id)
            await self._send(encode("ping", {}))
            self._unanswered_pings += 1

    async def _still_authenticated(self) -> bool:
        try:
            await self.alora.bus.handle(Authenticate(access_token=self.token))
        except AloraError:
            return False
        except Exception:  # the database is unreachable: do not drop every socket for it
            logger.warning("real-time token check failed", exc_info=True)
        return True

    async def _reauthenticate(self, token: str, ref: Ref) -> str:
        principal = await authenticate(self.alora, token)
        if principal is None:
            raise ProtocolError("unauthenticated", "the access token is invalid or expired", ref)
        if principal.user.id != self.user_id:
            raise ProtocolError("unauthenticated", "the access token is another user's", ref)
        self.token, self.principal = token, principal
        return encode("authenticated", {}, ref)


def _forbidden(topics: list[str], ref: Ref) -> ProtocolError:
    return ProtocolError(
        "topic-forbidden", "no such topic, or not yours to see", ref, topics=topics
    )
