"""Kept public pages answered at the edge of the app, before routing.

A list route whose anonymous pages are kept as encoded bytes in a ``PageCache`` (decision 16)
names that cache in its handler's ``opt`` (``opt={KEPT_PAGE: "booking.services"}``). For a
``GET`` of exactly that path without credentials and without an ``Origin`` (CORS answers need
the framework), ``KeptPages`` looks the path and raw query string up in the cache and, when it
keeps them, sends the bytes with the headers the route itself sends (``content-type`` and
``content-length``; the request-context middleware around it adds the rest). Anything else,
including a page not kept yet, goes to the app, whose route validates the query and keeps the
page. The cache is the route's own: the same freshness, clearing and generation rules apply.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TYPE_CHECKING, Any

from litestar.enums import ScopeType
from litestar.routes import HTTPRoute

from entrypoints.http.auth import ACCESS_COOKIE

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.types import ASGIApp, Receive, Scope, Send

KEPT_PAGE = "kept_page"
"""The ``opt`` key naming the ``PageCache`` (in ``Alora.page_caches``) of a route's pages."""
JSON = b"application/json"
_ACCESS_COOKIE = ACCESS_COOKIE.encode()


def page_key(path: str, query_string: bytes) -> Hashable:
    """Where a page's bytes are kept: the request's path and raw query string."""
    return ("http", path, query_string)


def kept_routes(app: Litestar) -> dict[str, str]:
    """The paths of ``GET`` routes that name a page cache, with the cache's name."""
    kept: dict[str, str] = {}
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in _get_handlers(route):
                name = handler.opt.get(KEPT_PAGE)
                if name:
                    kept[route.path] = name
    return kept


def _get_handlers(route: HTTPRoute) -> Iterable[Any]:
    return (handler for handler in route.route_handlers if "GET" in handler.http_methods)


def _credentials_or_origin(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        if name in (b"authorization", b"origin"):
            return True
        if name == b"cookie" and _ACCESS_COOKIE in value:
            return True
    return False


class KeptPages:
    """ASGI middleware answering kept anonymous pages of ``routes`` (path → cache name)."""

    def __init__(self, app: ASGIApp, litestar: Litestar, routes: dict[str, str]) -> None:
        self.app = app
        self.litestar = litestar
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        name = self.routes.get(scope["path"]) if scope["type"] == ScopeType.HTTP else None
        if name is not None and scope.get("method") == "GET":
            body = self._kept(name, scope)
            if body is not None:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [
                            (b"content-type", JSON),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body, "more_body": False})
                return
        await self.app(scope, receive, send)

    def _kept(self, name: str, scope: Scope) -> bytes | None:
        if _credentials_or_origin(scope["headers"]):
            return None
        alora = self.litestar.state.get("alora")
        cache = None if alora is None else alora.page_caches.get(name)
        if alora is None or cache is None:
            return None
        found: bytes | None = cache.encoded(
            page_key(scope["path"], scope["query_string"]), alora.clock.now()
        )
        return found
