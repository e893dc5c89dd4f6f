"""Who is calling: access tokens from the ``Authorization`` header or a cookie, and auth cookies.

Credentials. Apps send ``Authorization: Bearer <access token>``. Browsers get the same tokens
as cookies at login and refresh: ``alora_access`` (path ``/``) and ``alora_refresh`` (path
``/api/v1/auth``, so it only travels to the auth routes), both ``HttpOnly``, ``SameSite=Lax``
and ``Secure`` unless ``ALORA_COOKIE_SECURE=false``; their ``Max-Age`` is the token lifetime.
The header wins when both are present. Logout, change-password and revoking the current
session clear both cookies.

Dependencies for handlers: ``principal`` (401 when no valid credentials), ``optional_principal``
(``None`` without credentials; invalid credentials are still a 401, so a client learns to
refresh), and ``actor``, the core ``Actor`` built from the principal. Authentication itself is
the core's ``Authenticate`` command: signature, expiry, session still active, user not
suspended.

CSRF. A browser attaches cookies to cross-site requests too. ``SameSite=Lax`` already keeps
them off cross-site POST/PUT/PATCH/DELETE in current browsers; as a second line, an unsafe
request authenticated by a cookie (no ``Authorization`` header) must also carry either an
``X-Requested-With`` header (a cross-site page cannot add one without a CORS preflight, which
only ``ALORA_CORS_ORIGINS`` pass) or an ``Origin`` header naming this host, the public URL or one
of ``ALORA_CORS_ORIGINS``. Otherwise it is refused with 403 (``reason``: ``cross-site``).
Requests with a bearer header are not affected: a browser never adds that header on its own.
The public auth routes (sign-up, sign-in, refresh ...) apply the same rule to any request that
carries cookies or an ``Origin`` (``same_site_browser``): a page of another site cannot sign
a browser in as someone else (login CSRF). Apps, which send neither, are not affected.

Rate limit. ``auth_rate_limit`` is a guard for the public auth routes: at most
``ALORA_AUTH_RATE_PER_MINUTE`` requests per client IP per minute, then 429 with ``Retry-After``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.di import NamedDependency, Provide
from litestar.handlers import BaseRouteHandler, HTTPRouteHandler

from alora_core.identity.commands import Authenticate
from alora_core.identity.use_cases import LoginResult, Principal
from alora_core.shared.actor import Actor
from alora_core.shared.errors import Forbidden, RateLimited, Unauthenticated
from alora_core.shared.ratelimit import Limit
from entrypoints.bootstrap import Alora
from entrypoints.http.client import client_ip
from entrypoints.logging import set_user_id
from entrypoints.modules.identity import IdentitySettings
from entrypoints.settings import Settings

ACCESS_COOKIE = "alora_access"
REFRESH_COOKIE = "alora_refresh"
REFRESH_COOKIE_PATH = "/api/v1/auth"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_TOKEN_LENGTH = 4096


def app_state_alora(connection: ASGIConnection[Any, Any, Any, Any]) -> Alora:
    alora: Alora = connection.app.state.alora
    return alora


def app_state_settings(connection: ASGIConnection[Any, Any, Any, Any]) -> Settings:
    settings: Settings = connection.app.state.settings
    return settings


# --- credentials ---------------------------------------------------------------------------------


def _authorization(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The ``Authorization`` header, read from the ASGI scope (names are lower case there)
    without building the request's header mapping."""
    for name, value in headers:
        if name == b"authorization":
            return value.decode("latin-1")
    return None


def _credentials(request: Request[Any, Any, Any]) -> tuple[str | None, bool]:
    """The presented access token (or None) and whether it came from the cookie."""
    header = _authorization(request.scope["headers"])
    if header is not None:
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("the Authorization header must be 'Bearer <access token>'")
        return token.strip(), False
    cookie = request.cookies.get(ACCESS_COOKIE)
    return (cookie or None), cookie is not None


def origin_allowed(origin: str, host: str | None, settings: Settings) -> bool:
    """Whether a browser page at ``origin`` may act with the user's cookies: an origin of
    ``ALORA_CORS_ORIGINS``, of ``ALORA_PUBLIC_URL``, or the API's own ``host``."""
    allowed = {allowed.rstrip("/").lower() for allowed in settings.cors_origins}
    public = urlsplit(settings.public_url)
    if public.scheme and public.netloc:
        allowed.add(f"{public.scheme}://{public.netloc}".lower())
    if host:
        allowed.update({f"http://{host}".lower(), f"https://{host}".lower()})
    return origin.rstrip("/").lower() in allowed


class CrossSite(Forbidden):
    """A browser request that may come from a page of another site (HTTP 403)."""

    reason = "cross-site"
    reasons = {
        reason: "a browser's request (with cookies or an `Origin`) came from another site: "
        "send `X-Requested-With`, or call from an allowed origin"
    }


def checks_cross_site(handler: HTTPRouteHandler, methods: Iterable[str]) -> bool:
    """Whether the route may refuse a request as ``CrossSite``: a public auth route guarded by
    ``same_site_browser``, or an unsafe method of a route that reads the caller's token."""
    if same_site_browser in handler.resolve_guards():
        return True
    return bool(UNSAFE_METHODS & set(methods)) and bool(handler.resolve_security())


def check_cookie_csrf(connection: ASGIConnection[Any, Any, Any, Any], settings: Settings) -> None:
    """Refuse an unsafe, cookie-authenticated request that may come from another site."""
    if str(connection.scope.get("method", "")).upper() not in UNSAFE_METHODS:
        return
    headers = connection.headers
    if headers.get("x-requested-with"):
        return
    origin = headers.get("origin")
    if origin and origin_allowed(origin, headers.get("host"), settings):
        return
    raise CrossSite(
        "a browser request with cookies or an Origin must send an X-Requested-With header "
        "or come from an allowed Origin"
    )


async def same_site_browser(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Guard of the public auth routes: a request carrying cookies or an ``Origin`` is a
    browser's, and must pass ``check_cookie_csrf`` (403 ``cross-site``); apps send neither."""
    headers = connection.headers
    if "cookie" in headers or "origin" in headers:
        check_cookie_csrf(connection, app_state_settings(connection))


async def authenticate(
    request: Request[Any, Any, Any], alora: Alora, settings: Settings
) -> Principal | None:
    """The caller, None without credentials; 401 for bad ones, 403 for a cross-site cookie."""
    token, from_cookie = _credentials(request)
    if token is None:
        return None
    if len(token) > MAX_TOKEN_LENGTH:
        raise Unauthenticated("the access token is invalid")
    principal = await alora.bus.handle(Authenticate(access_token=token))
    if from_cookie:
        check_cookie_csrf(request, settings)
    set_user_id(str(principal.user.id))
    return principal


# ``principal`` reads the app's state itself rather than depending on ``alora`` and
# ``settings``: a provider without dependencies is resolved without a task group per request.


async def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    principal = await authenticate(request, app_state_alora(request), app_state_settings(request))
    if principal is None:
        raise Unauthenticated("sign in first: send an access token")
    return principal


async def provide_optional_principal(request: Request[Any, Any, Any]) -> Principal | None:
    return await authenticate(request, app_state_alora(request), app_state_settings(request))


def actor_of(principal: Principal) -> Actor:
    """The core's view of the caller."""
    return principal.actor


def viewer_of(principal: Principal | None) -> Actor:
    """The core's view of a caller who may not be signed in."""
    return Actor.anonymous() if principal is None else actor_of(principal)


def provide_actor(principal: NamedDependency[Principal]) -> Actor:
    return actor_of(principal)


def auth_dependencies() -> dict[str, Provide]:
    """``principal``, ``optional_principal`` and ``actor``, for the app's dependencies."""
    return {
        "principal": Provide(provide_principal),
        "optional_principal": Provide(provide_optional_principal),
        "actor": Provide(provide_actor, sync_to_thread=False),
    }


# --- cookies -------------------------------------------------------------------------------------


def _cookie(key: str, value: str, path: str, max_age: int, settings: Settings) -> Cookie:
    return Cookie(
        key=key,
        value=value,
        path=path,
        max_age=max_age,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
    )


def auth_cookies(result: LoginResult, settings: Settings) -> list[Cookie]:
    """The access and refresh cookies for a login or refresh."""
    refresh_seconds = int(
        timedelta(days=settings.of(IdentitySettings).refresh_token_days).total_seconds()
    )
    return [
        _cookie(ACCESS_COOKIE, result.access_token, "/", result.expires_in, settings),
        _cookie(
            REFRESH_COOKIE, result.refresh_token, REFRESH_COOKIE_PATH, refresh_seconds, settings
        ),
    ]


def cleared_auth_cookies(settings: Settings) -> list[Cookie]:
    """Both auth cookies, expired: the browser drops them."""
    return [
        _cookie(ACCESS_COOKIE, "", "/", 0, settings),
        _cookie(REFRESH_COOKIE, "", REFRESH_COOKIE_PATH, 0, settings),
    ]


def refresh_token_from(
    request: Request[Any, Any, Any], body_token: str | None, settings: Settings
) -> str:
    """The refresh token of a refresh call: the body's, else the cookie's (CSRF-checked)."""
    if body_token:
        return body_token
    cookie = request.cookies.get(REFRESH_COOKIE)
    if not cookie:
        raise Unauthenticated("send a refreshToken in the body or the alora_refresh cookie")
    check_cookie_csrf(request, settings)
    return cookie


# --- rate limit ----------------------------------------------------------------------------------


async def auth_rate_limit(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Guard: ``ALORA_AUTH_RATE_PER_MINUTE`` requests per client IP per minute, then 429."""
    settings = app_state_settings(connection)
    alora = app_state_alora(connection)
    ip = client_ip(connection, settings.trust_forwarded)
    limit = Limit(settings.of(IdentitySettings).auth_rate_per_minute, timedelta(minutes=1))
    wait = await alora.limiter.hit(f"http:auth:ip:{ip}", limit)
    if wait is not None:
        raise RateLimited("too many requests to the sign-in routes; try again later", wait)
