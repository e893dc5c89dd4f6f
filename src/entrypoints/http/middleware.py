"""Pure ASGI middleware run around every HTTP request, including 404s, 405s and CORS preflights.

``RequestContextMiddleware`` gives each request an id (``X-Request-ID``, in and out), binds it and
a fresh user slot for logging, and stamps the security headers on every response. The body size
limit is Litestar's ``request_max_body_size`` (see ``base.build_litestar``); its 413 goes through
the problem handlers like any other error.

Personal data is never kept by a browser or a shared cache: a response to a request carrying
credentials (an ``Authorization`` header or an auth cookie), and every response of a route that
requires them (``private_handlers``), errors included, gets ``Cache-Control: no-store`` unless
the route set a ``Cache-Control`` of its own (a private file's ``private, no-cache`` keeps its
``ETag`` revalidation). Anonymous answers of public routes, the kept pages among them, are left
as they are.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from random import getrandbits
from typing import TYPE_CHECKING

from litestar import Litestar
from litestar.enums import ScopeType
from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute

from entrypoints.http.auth import ACCESS_COOKIE, REFRESH_COOKIE
from entrypoints.logging import (
    bind_request,
    request_id_var,
    set_user_id,
    unbind_request,
    user_id_var,
)

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "RequestContextMiddleware",
    "private_handlers",
    "request_id_var",
    "set_user_id",
    "user_id_var",
]

_SANE_REQUEST_ID = re.compile(rb"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
HSTS_HEADER = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")
NO_STORE = (b"cache-control", b"no-store")
_AUTH_COOKIES = (ACCESS_COOKIE.encode(), REFRESH_COOKIE.encode())
_CONTEXT_SCOPES = frozenset({ScopeType.HTTP, ScopeType.WEBSOCKET})


def private_handlers(app: Litestar) -> frozenset[HTTPRouteHandler]:
    """The route handlers that require credentials (a security requirement, none of them empty:
    ``OPTIONAL_BEARER`` routes are public)."""
    return frozenset(
        handler
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        if (security := handler.resolve_security()) and all(security)
    )


def _carries_credentials(name: bytes, value: bytes) -> bool:
    return name == b"authorization" or any(cookie in value for cookie in _AUTH_COOKIES)


def _sets_cache_control(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(name.lower() == b"cache-control" for name, _ in headers)


class RequestContextMiddleware:
    """Request id + log context + security headers (HSTS only for requests that came over https)
    + ``Cache-Control: no-store`` on personal responses."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        trust_forwarded: bool,
        private_handlers: Collection[HTTPRouteHandler] = frozenset(),
    ) -> None:
        self.app = app
        self.trust_forwarded = trust_forwarded
        self.private_handlers = private_handlers
        self._plain_headers = list(SECURITY_HEADERS)
        self._https_headers = [*SECURITY_HEADERS, HSTS_HEADER]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in _CONTEXT_SCOPES:
            await self.app(scope, receive, send)
            return

        incoming_id: bytes | None = None
        https = scope.get("scheme") in ("https", "wss")
        credentials = False
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming_id = value.strip()
            elif name == b"x-forwarded-proto" and self.trust_forwarded and not https:
                https = value.split(b",", 1)[0].strip().lower() == b"https"
            elif name in (b"authorization", b"cookie"):
                credentials = credentials or _carries_credentials(name, value)

        if incoming_id is not None and _SANE_REQUEST_ID.fullmatch(incoming_id):
            request_id = incoming_id.decode("ascii")
        else:
            request_id = f"{getrandbits(128):032x}"  # an id, not a secret: needs no urandom

        added = [
            (b"x-request-id", request_id.encode("ascii")),
            *(self._https_headers if https else self._plain_headers),
        ]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", ()), *added]
                if (
                    credentials or scope.get("route_handler") in self.private_handlers
                ) and not _sets_cache_control(headers):
                    headers.append(NO_STORE)
                message["headers"] = headers
            await send(message)

        tokens = bind_request(request_id)
        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            unbind_request(tokens)
