"""Public list pages answered from the bytes this process last sent for them.

``GET /api/v1/services`` and ``GET /api/v1/professionals`` without credentials are the most
read routes. Their pages are kept, as the encoded JSON, in the list's ``PageCache`` (the one
the use case keeps its pages in, so the same 2 seconds, clearing and generation apply) under
the request's path and raw query string. ``KeptPages`` answers a kept page before routing
(``kept_pages``; the routes name their cache in ``opt``), and a ``before_request`` hook does
for the requests it leaves to the app, cross-origin ones, before Litestar parses the query (a
raw query string is kept only once its request passed validation, so a kept one would pass
again); a miss runs the handler, whose concurrent misses for one query wait for one load.
Decision 16.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from litestar import Request, Response
from litestar.serialization import encode_json

from alora_core.shared.actor import Actor
from alora_core.shared.cache import PageCache
from entrypoints.bootstrap import Alora
from entrypoints.http.auth import (
    ACCESS_COOKIE,
    app_state_alora,
    app_state_settings,
    authenticate,
    viewer_of,
)
from entrypoints.http.kept_pages import page_key

__all__ = ["JSON", "anonymous", "answer_kept", "encoded_page", "public_page"]

JSON = "application/json"
BeforeRequest = Callable[[Request[Any, Any, Any]], Awaitable[Response[bytes] | None]]


def anonymous(request: Request[Any, Any, Any]) -> bool:
    """No credentials: no ``Authorization`` header and no (non-empty) access cookie."""
    headers = request.headers
    if "authorization" in headers:
        return False
    return "cookie" not in headers or not request.cookies.get(ACCESS_COOKIE)


def _key(request: Request[Any, Any, Any]) -> Hashable:
    return page_key(request.scope["path"], request.scope["query_string"])


def _cache(alora: Alora | None, name: str) -> PageCache[Any] | None:
    return None if alora is None else alora.page_caches.get(name)


def answer_kept(name: str) -> BeforeRequest:
    """A ``before_request`` hook answering an anonymous request from the page cache ``name``
    when it keeps the bytes of its query; otherwise the handler runs."""

    async def hook(request: Request[Any, Any, Any]) -> Response[bytes] | None:
        alora: Alora | None = request.app.state.alora
        cache = _cache(alora, name)
        if cache is None or alora is None or not anonymous(request):
            return None
        body = cache.encoded(_key(request), alora.clock.now())
        return None if body is None else Response(content=body, media_type=JSON)

    return hook


async def encoded_page(
    request: Request[Any, Any, Any], alora: Alora, name: str, load: Callable[[], Awaitable[Any]]
) -> Response[bytes]:
    """An anonymous request's page: ``load()`` gives the response schema, encoded once for
    all concurrent requests of the same query and kept in the page cache ``name``."""

    async def encoded() -> bytes:
        return encode_json(await load())

    cache = _cache(alora, name)
    if cache is None:
        body = await encoded()
    else:
        body = await cache.encode(_key(request), alora.clock.now(), encoded)
    return Response(content=body, media_type=JSON)


async def public_page(
    request: Request[Any, Any, Any],
    name: str,
    load: Callable[[Alora, Actor], Awaitable[Any]],
) -> Any:
    """A public list's page for this caller: ``load(alora, viewer)`` builds it; an anonymous
    caller's is answered as the bytes kept in the page cache ``name`` (encoded once).

    The caller is read here rather than through dependencies, which Litestar would resolve in
    tasks of their own on every request.
    """
    alora = app_state_alora(request)
    if anonymous(request):
        return await encoded_page(request, alora, name, lambda: load(alora, Actor.anonymous()))
    principal = await authenticate(request, alora, app_state_settings(request))
    return await load(alora, viewer_of(principal))
