"""``WS /api/v1/ws``: one socket of one signed-in user (the protocol is in ``protocol.py``).

Authentication: the access token from ``?token=``, else ``Authorization: Bearer``, else the
``alora_access`` cookie. The socket is accepted first and then closed with 4401 when the token
is missing, invalid or expired, so browsers can read the reason. A cookie-authenticated socket
opened from a page whose ``Origin`` is not this host, ``ALORA_PUBLIC_URL`` or one of
``ALORA_CORS_ORIGINS`` is closed with 4403 (cross-site WebSocket hijacking). The token is
checked again on every heartbeat, and at once when a commit may have ended the user's access
(logout, password change, suspension, a revoked session: ``session.changed`` on the user's
topic, from any process), so these end the socket (4401) at once and token expiry within a
heartbeat; a client keeps it open past the token's lifetime by sending ``auth`` with each new
token.

Each socket subscribes to ``user:<its user id>``, registers in presence, answers client messages,
forwards the events of its topics, and sends ``ping`` every ``ALORA_WS_HEARTBEAT_SECONDS``:
after two pings with nothing received in between it is closed (4408). Messages over
``ALORA_WS_MAX_MESSAGE_BYTES`` close it with 1009, binary frames with 1003, and more than
``ALORA_WS_MESSAGES_PER_MINUTE`` (a burst of that many, refilled continuously) with 4429.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from contextlib import AsyncExitStack
from typing import Any
from urllib.parse import parse_qsl, urlencode

from attrs import frozen
from litestar import WebSocket, websocket
from litestar.channels import Subscriber
from litestar.di import NamedDependency
from litestar.exceptions import WebSocketDisconnect

from adapters.channels_realtime import envelope
from alora_core.identity.commands import Authenticate
from alora_core.identity.signed_in import SESSION_CHANGED
from alora_core.identity.use_cases import Principal
from alora_core.shared.errors import AloraError
from alora_core.shared.presence import PresenceState
from alora_core.shared.realtime import user_topic
from entrypoints.bootstrap import Alora
from entrypoints.http.auth import ACCESS_COOKIE, actor_of, origin_allowed
from entrypoints.http.realtime.hub import RealtimeHub
from entrypoints.http.realtime.protocol import (
    MAX_TOKEN_LENGTH,
    MAX_TOPICS_PER_SOCKET,
    PAYLOADS,
    USER_TOPIC,
    Auth,
    ClientMessage,
    CloseCode,
    PresenceQuery,
    ProtocolError,
    Ref,
    Topics,
    encode,
    parse_message,
    parse_topic,
)
from entrypoints.logging import set_user_id
from entrypoints.settings import Settings

logger = logging.getLogger(__name__)

MISSED_PINGS_ALLOWED = 2
PRESENCE = "presence"
"""The topic kind whose rule also says whose presence a socket may query."""


@frozen
class Close:
    code: int
    reason: str


class _SocketGone(Exception):
    """Sending failed: the client is no longer there."""


@websocket("/api/v1/ws", name="realtime-gateway")
async def realtime_gateway(
    socket: WebSocket[Any, Any, Any],
    alora: NamedDependency[Alora],
    settings: NamedDependency[Settings],
) -> None:
    hub: RealtimeHub = socket.app.state.realtime_hub
    token, from_cookie = _credentials(socket)
    await socket.accept()
    if from_cookie and not _origin_allowed(socket, settings):
        await _close(socket, Close(CloseCode.FORBIDDEN_ORIGIN, "origin not allowed"))
        return
    try:
        principal = await _authenticate(alora, token)
    except Exception:
        logger.exception("real-time authentication failed")
        await _close(socket, Close(CloseCode.INTERNAL_ERROR, "internal error"))
        return
    if principal is None or token is None:
        reason = "access token missing, invalid or expired"
        await _close(socket, Close(CloseCode.UNAUTHENTICATED, reason))
        return
    set_user_id(str(principal.user.id))
    await _Session(socket, hub, alora, settings, principal, token).run()


# --- authentication ------------------------------------------------------------------------------


def _credentials(socket: WebSocket[Any, Any, Any]) -> tuple[str | None, bool]:
    """The presented access token and whether it came from the cookie.

    A token in the query string is blanked out of the connection's scope before the socket is
    accepted, so the server's access log never shows it.
    """
    query_token = socket.query_params.get("token")
    if query_token is not None:
        _redact_query_token(socket)
        return query_token or None, False
    header = socket.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.strip().partition(" ")
        return (token.strip() if scheme.lower() == "bearer" else None) or None, False
    cookie = socket.cookies.get(ACCESS_COOKIE)
    return cookie or None, cookie is not None


def _redact_query_token(socket: WebSocket[Any, Any, Any]) -> None:
    query = parse_qsl(socket.scope["query_string"].decode("latin-1"), keep_blank_values=True)
    redacted = [(key, "[redacted]" if key == "token" else value) for key, value in query]
    socket.scope["query_string"] = urlencode(redacted).encode("latin-1")


def _origin_allowed(socket: WebSocket[Any, Any, Any], settings: Settings) -> bool:
    """Same rule as cookie-authenticated HTTP requests (see ``entrypoints.http.auth``)."""
    origin = socket.headers.get("origin")
    if not origin:
        return True  # not a browser: it cannot be a cross-site page
    return origin_allowed(origin, socket.headers.get("host"), settings)


async def _authenticate(alora: Alora, token: str | None) -> Principal | None:
    """The token's principal; None when it is missing or refused."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        principal = await alora.bus.handle(Authenticate(access_token=token))
    except AloraError:
        return None
    return principal


_SESSION_CHANGED = envelope(SESSION_CHANGED, {})
"""What a socket's own topic carries when its user's access may have ended (not forwarded)."""


async def _close(socket: WebSocket[Any, Any, Any], close: Close) -> None:
    with contextlib.suppress(Exception):  # the client may be gone already
        await socket.close(close.code, close.reason)


# --- one socket ----------------------------------------------------------------------------------


class _MessageBudget:
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


class _Session:
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
        self._topics: dict[str, tuple[Subscriber, AsyncExitStack]] = {}
        self._send_lock = asyncio.Lock()
        self._budget = _MessageBudget(settings.ws_messages_per_minute)
        self._payloads = {
            **PAYLOADS,
            **{name: event.schema for name, event in hub.inbound.items()},
        }
        self._topic_kinds = {USER_TOPIC, *hub.topics}
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
                await _close(self.socket, close)
        finally:
            self.hub.remove_socket(self.socket_id)
            await self._leave()

    def _request_close(self, code: int, reason: str) -> None:
        if not self._closing.done():
            self._closing.set_result(Close(code, reason))

    async def _serve(self) -> Close | None:
        try:
            await self._add_topic(self.own_topic)
            await self._join()
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
            loops = [
                asyncio.create_task(self._receive_loop()),
                asyncio.create_task(self._heartbeat_loop()),
            ]
            try:
                done, _ = await asyncio.wait(
                    [*loops, self._closing], return_when=asyncio.FIRST_COMPLETED
                )
            finally:
                for task in loops:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            first = next(iter(done))
            return first.result()
        except _SocketGone:
            return None
        finally:
            for topic in list(self._topics):
                await self._remove_topic(topic)

    # --- sending ---------------------------------------------------------------------------------

    async def _send(self, text: str) -> None:
        async with self._send_lock:
            try:
                await self.socket.send_text(text)
            except Exception as exc:
                raise _SocketGone from exc

    async def _forward(self, payload: bytes) -> None:
        """Send one event of a subscribed topic (never raises: it runs in the subscriber)."""
        if payload == _SESSION_CHANGED:
            if not await self._still_authenticated():
                self._request_close(CloseCode.UNAUTHENTICATED, "session ended")
            return
        try:
            await self._send(payload.decode())
        except _SocketGone:
            if not self._closing.done():
                self._closing.set_result(None)

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
        try:
            reply = await inbound.handle(self.alora, actor_of(self.principal), data)
        except AloraError as error:
            raise ProtocolError(error.code, error.detail, ref) from None
        return encode(inbound.reply, dict(reply), ref)

    # --- topics ----------------------------------------------------------------------------------

    async def _subscribe(self, requested: list[str], ref: Ref) -> str:
        topics: list[str] = []
        refused: list[str] = []
        for raw in dict.fromkeys(requested):
            topic = parse_topic(raw, self._topic_kinds)
            if topic is None:
                refused.append(raw)
            elif topic.kind == USER_TOPIC:
                (topics if topic.id == self.user_id else refused).append(str(topic))
            elif await self._may_follow(topic.kind, topic.id):
                topics.append(str(topic))
            else:
                refused.append(raw)
        if refused:
            raise ProtocolError(
                "topic-forbidden", "no such topic, or not yours to see", ref, topics=refused
            )
        new = [name for name in dict.fromkeys(topics) if name not in self._topics]
        if len(self._topics) - 1 + len(new) > MAX_TOPICS_PER_SOCKET:
            raise ProtocolError(
                "too-many-topics", f"at most {MAX_TOPICS_PER_SOCKET} topics per socket", ref
            )
        for name in new:
            await self._add_topic(name)
        return encode("subscribed", {"topics": list(dict.fromkeys(topics))}, ref)

    async def _unsubscribe(self, requested: list[str], ref: Ref) -> str:
        topics = [
            str(parse_topic(raw, self._topic_kinds) or raw) for raw in dict.fromkeys(requested)
        ]
        if self.own_topic in topics:
            raise ProtocolError("invalid", f"{self.own_topic} cannot be unsubscribed", ref)
        for topic in topics:
            if topic in self._topics:
                await self._remove_topic(topic)
        return encode("unsubscribed", {"topics": topics}, ref)

    async def _add_topic(self, topic: str) -> None:
        subscriber = await self.hub.channels.subscribe(topic)
        stack = AsyncExitStack()
        await stack.enter_async_context(subscriber.run_in_background(self._forward, join=False))
        self._topics[topic] = (subscriber, stack)

    async def _remove_topic(self, topic: str) -> None:
        subscriber, stack = self._topics.pop(topic)
        await stack.aclose()
        await self.hub.channels.unsubscribe(subscriber, topic)

    async def _may_follow(self, kind: str, topic_id: uuid.UUID) -> bool:
        policy = self.hub.topics.get(kind)
        return policy is not None and await policy(self.alora, actor_of(self.principal), topic_id)

    # --- presence --------------------------------------------------------------------------------

    async def _join(self) -> None:
        try:
            came_online = await self.hub.presence.connect(self.user_id, self.socket_id)
        except Exception:
            logger.warning("presence not recorded", exc_info=True)
            return
        if came_online:
            await self.hub.announce(self.user_id, PresenceState(online=True, last_seen=None))

    async def _leave(self) -> None:
        try:
            if await self.hub.presence.disconnect(self.user_id, self.socket_id):
                self.hub.settle_after_grace(self.user_id)
        except Exception:
            logger.warning("presence not updated on disconnect", exc_info=True)

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
            await self._refresh_presence()
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

    async def _refresh_presence(self) -> None:
        try:
            came_online = await self.hub.presence.refresh(self.user_id, self.socket_id)
        except Exception:
            logger.warning("presence not refreshed", exc_info=True)
            return
        if came_online:
            await self.hub.announce(self.user_id, PresenceState(online=True, last_seen=None))

    async def _reauthenticate(self, token: str, ref: Ref) -> str:
        principal = await _authenticate(self.alora, token)
        if principal is None:
            raise ProtocolError("unauthenticated", "the access token is invalid or expired", ref)
        if principal.user.id != self.user_id:
            raise ProtocolError("unauthenticated", "the access token is another user's", ref)
        self.token, self.principal = token, principal
        return encode("authenticated", {}, ref)
