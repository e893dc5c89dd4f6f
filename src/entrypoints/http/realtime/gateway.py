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

Once authenticated, the socket is a ``SocketSession`` (``session.py``): it sends ``ping`` every
``ALORA_WS_HEARTBEAT_SECONDS`` and after two pings with nothing received in between it is
closed (4408). Messages over ``ALORA_WS_MAX_MESSAGE_BYTES`` close it with 1009, binary frames
with 1003, and more than ``ALORA_WS_MESSAGES_PER_MINUTE`` (a burst of that many, refilled
continuously) with 4429. A user's sockets beyond ``ALORA_WS_MAX_SOCKETS_PER_USER``, over every
process, close oldest first with 4409.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl, urlencode

from litestar import WebSocket, websocket
from litestar.di import NamedDependency

from entrypoints.bootstrap import Alora
from entrypoints.http.auth import ACCESS_COOKIE, origin_allowed
from entrypoints.http.realtime.hub import RealtimeHub
from entrypoints.http.realtime.protocol import Close, CloseCode
from entrypoints.http.realtime.session import SocketSession, authenticate, close_socket
from entrypoints.logging import set_user_id
from entrypoints.settings import Settings

logger = logging.getLogger(__name__)


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
        await close_socket(socket, Close(CloseCode.FORBIDDEN_ORIGIN, "origin not allowed"))
        return
    try:
        principal = await authenticate(alora, token)
    except Exception:
        logger.exception("real-time authentication failed")
        await close_socket(socket, Close(CloseCode.INTERNAL_ERROR, "internal error"))
        return
    if principal is None or token is None:
        reason = "access token missing, invalid or expired"
        await close_socket(socket, Close(CloseCode.UNAUTHENTICATED, reason))
        return
    set_user_id(str(principal.user.id))
    await SocketSession(socket, hub, alora, settings, principal, token).run()


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
