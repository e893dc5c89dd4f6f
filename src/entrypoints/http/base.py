"""Assemble a Litestar app with Alora's HTTP infrastructure around the given route handlers.

Problem-details errors, request ids and security headers, CORS, the body size limit, OpenAPI at
``/schema`` and the health routes. Route modules only declare handlers; see ``build_litestar``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from http import HTTPStatus
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

import msgspec
from litestar import Litestar, Request, Response, get
from litestar.config.cors import CORSConfig
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.spec import (
    Components,
    Operation,
    Reference,
    RequestBody,
    Schema,
    SecurityScheme,
)
from litestar.plugins import OpenAPISchemaPlugin
from litestar.routes import HTTPRoute
from litestar.types import ControllerRouterHandler, Dependencies, LifespanHook
from litestar.typing import FieldDefinition

from alora_core.shared.errors import AloraError
from entrypoints.http.auth import CrossSite, checks_cross_site
from entrypoints.http.kept_pages import KeptPages, kept_routes
from entrypoints.http.media_types import json_only, takes_json_body
from entrypoints.http.middleware import RequestContextMiddleware, private_handlers
from entrypoints.http.problems import (
    PROBLEM_MEDIA_TYPE,
    PROBLEM_TYPE_BASE,
    SHARED_STATUSES,
    exception_handlers,
    problem_responses,
)
from entrypoints.http.reasons import describe_reasons, raises
from entrypoints.http.schema_ui import SCHEMA_PATH, schema_assets_router, schema_render_plugins
from entrypoints.http.schemas import Problem, ResponseSchema
from entrypoints.logging import request_id_var
from entrypoints.settings import Settings

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator

__all__ = [
    "BEARER_SECURITY",
    "OPTIONAL_BEARER",
    "ReadinessCheck",
    "ReadinessChecks",
    "build_litestar",
    "problem_responses",
    "raises",
    "run_checks",
]

ReadinessCheck = Callable[[], Awaitable[str | None]]
ReadinessChecks = Mapping[str, ReadinessCheck] | Callable[[], Mapping[str, ReadinessCheck]]
Lifespan = Callable[[Litestar], AbstractAsyncContextManager[Any]] | AbstractAsyncContextManager[Any]

READINESS_TIMEOUT_SECONDS = 2.0
BEARER_SECURITY: list[dict[str, list[str]]] = [{"BearerToken": []}]
"""``security=BEARER_SECURITY`` on a route or controller marks it as needing the access token."""
OPTIONAL_BEARER: list[dict[str, list[str]]] = [{}, *BEARER_SECURITY]
"""A public route that reads the access token when one is sent (the caller may see more)."""

_NO_INPUT = frozenset({"request", "socket", "scope", "state", "receive", "send"})
_NO_STORE = {"Cache-Control": "no-store"}
_NO_BODY_STATUSES = frozenset({HTTPStatus.NO_CONTENT, HTTPStatus.NOT_MODIFIED})

logger = logging.getLogger(__name__)


def build_litestar(
    settings: Settings,
    *,
    route_handlers: Sequence[ControllerRouterHandler],
    dependencies: Dependencies | None = None,
    on_startup: Sequence[LifespanHook] | None = None,
    on_shutdown: Sequence[LifespanHook] | None = None,
    lifespan: Sequence[Lifespan] | None = None,
    readiness_checks: ReadinessChecks,
    problem_statuses: Mapping[type[AloraError], int] | None = None,
) -> Litestar:
    """The API app: ``route_handlers`` under the paths they declare, plus health and schema routes.

    ``readiness_checks`` is a mapping of check name to check, or a callable returning the
    current mapping: ``/health/ready`` calls it on every request, so the checks may come from
    something built at start-up, after this app.

    Every route's OpenAPI entry gets problem responses for 500, for 400/422 when it takes input,
    for 413 when it takes a body and for 415 when that body is JSON (``media_types``); a
    handler's own ``responses=`` win over these defaults.
    Each 4xx response lists the reasons its problems carry, with those of the domain errors a
    route names in ``opt=raises(...)`` (``entrypoints.http.reasons``).
    A success status that carries no body (204, 304) is documented without content, a body the
    handler defaults (``data: JSONBody[X | None] = None``) as optional, and a request schema
    that rejects unknown fields with ``additionalProperties: false``. ``problem_statuses``: the
    HTTP statuses of the contexts' own errors.
    """
    app = Litestar(
        route_handlers=[
            *route_handlers,
            *_health_handlers(readiness_checks),
            schema_assets_router(),
        ],
        dependencies=dependencies,
        on_startup=on_startup,
        on_shutdown=on_shutdown,
        lifespan=lifespan,
        exception_handlers=exception_handlers(problem_statuses),
        cors_config=_cors_config(settings.cors_origins),
        request_max_body_size=settings.max_body_bytes,
        openapi_config=_openapi_config(),
        plugins=[_StructSchemaPlugin()],
        logging_config=None,  # configure_logging owns the process's logging
        debug=False,
    )
    _document_responses(app, {**SHARED_STATUSES, **(problem_statuses or {})})
    # Litestar runs its own middleware only on matched routes; wrapping the app's outermost
    # handler puts request ids and security headers on 404s, 405s and CORS preflights too,
    # and on the kept public pages answered before routing (``kept_pages``).
    handler = app.asgi_handler
    kept = kept_routes(app)
    if kept:
        handler = KeptPages(handler, app, kept)
    app.asgi_handler = RequestContextMiddleware(
        handler, trust_forwarded=settings.trust_forwarded, private_handlers=private_handlers(app)
    )
    return app


def _cors_config(origins: Sequence[str]) -> CORSConfig | None:
    if not origins:
        return None
    return CORSConfig(
        allow_origins=list(origins),
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=[
            "Authorization",
            "Content-Type",
            "Accept",
            "Accept-Language",
            "X-Request-ID",
            "X-Requested-With",  # the CSRF proof of cookie-authenticated browsers (see auth.py)
        ],
        expose_headers=["X-Request-ID", "Retry-After", "Location"],
        allow_credentials="*" not in origins,  # browsers refuse credentials with a wildcard
        max_age=600,
    )


def _app_version() -> str:
    try:
        return version("alora")
    except PackageNotFoundError:
        return "0.0.0"


def _openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Alora API",
        version=_app_version(),
        description=(
            "One backend for booking, ordering, live polling and messaging marketplaces. "
            "JSON fields are camelCase; errors are RFC 9457 problem details "
            f"(`{PROBLEM_MEDIA_TYPE}`) whose `type` starts with `{PROBLEM_TYPE_BASE}` and that "
            "carry the `requestId` also sent as the `X-Request-ID` header."
        ),
        path=SCHEMA_PATH,
        render_plugins=schema_render_plugins(),
        operation_id_creator=_operation_id,
        components=Components(
            security_schemes={
                "BearerToken": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    bearer_format="JWT",
                    description="Access token: `Authorization: Bearer <token>`.",
                )
            }
        ),
    )


def _operation_id(handler: HTTPRouteHandler, method: Any, path: Any) -> str:
    """``bookingsRequestBooking``: the first tag, then the handler's name, in camelCase; the
    names generated clients give their functions. Litestar refuses a duplicate."""
    tags = handler.resolve_tags()
    words = [*tags[:1], *handler.handler_name.split("_")]
    return words[0].lower() + "".join(word.capitalize() for word in words[1:])


def _document_responses(app: Litestar, error_statuses: Mapping[type[AloraError], int]) -> None:
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            takes_body = "data" in handler.parsed_fn_signature.parameters
            # Litestar documents its own 400 for any route with path parameters: replace it too.
            takes_input = bool(route.path_parameters) or _takes_input(handler)
            statuses = [*([400] if takes_input else []), *([413] if takes_body else [])]
            if takes_json_body(handler):
                # The JSON routes alone run this guard: Litestar calls each guard with a copy of
                # the handler on every request. Guards are resolved when a route registers, so
                # it joins the resolved list.
                handler.resolve_guards().append(json_only)
                statuses += [415]
            statuses += [*([422] if takes_input else []), 500]
            defaults = problem_responses(*statuses)
            if handler.status_code in _NO_BODY_STATUSES:
                # Litestar documents a handler returning ``Response[None]`` as JSON ``null``;
                # the server sends no body and no content type.
                defaults[handler.status_code] = ResponseSpec(
                    None, description=HTTPStatus(handler.status_code).description
                )
            responses = {**defaults, **(handler.responses or {})}
            implied = [CrossSite] if checks_cross_site(handler, handler.http_methods) else []
            handler.responses = describe_reasons(
                handler, responses, error_statuses, takes_body=takes_body, implied=implied
            )
            if handler.operation_class is not Operation:
                continue
            body = handler.parsed_fn_signature.parameters.get("data")
            optional_body = body is not None and body.has_default
            handler.operation_class = _OptionalBodyOperation if optional_body else _Operation


@dataclass
class _Operation(Operation):
    """An operation without a security requirement says so (``security: []``): it is public,
    not left to a document-wide default (clients and linters read the difference)."""

    def __post_init__(self) -> None:
        if self.security is None:
            self.security = []


@dataclass
class _OptionalBodyOperation(_Operation):
    """Litestar marks every request body required; this one may be left out."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if isinstance(self.request_body, RequestBody):
            self.request_body.required = False


class _StructSchemaPlugin(OpenAPISchemaPlugin):
    """Finishes the schema Litestar's own plugin builds for a msgspec struct.

    ``additionalProperties: false`` for structs that reject unknown fields (422), which
    Litestar leaves out; the struct's ``example`` (``RequestSchema.example``), checked by
    decoding it; and a field that may be left out (``X | UnsetType``) is documented
    as ``X``, not as a ``oneOf`` of that one schema (which generators and linters flag).
    """

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return not field_definition.is_union and field_definition.is_subclass_of(msgspec.Struct)

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        builder = next(
            plugin
            for plugin in schema_creator.plugins
            if plugin is not self and schema_creator.plugin_supports_field(plugin, field_definition)
        )
        schema = builder.to_openapi_schema(field_definition, schema_creator)
        struct = field_definition.type_
        config = getattr(struct, "__struct_config__", None)
        if getattr(config, "forbid_unknown_fields", False):
            schema.additional_properties = False
        if example := getattr(struct, "example", None):
            schema.examples = [_checked_example(struct, example)]
        for name, field in (schema.properties or {}).items():
            if isinstance(field, Schema) and field.one_of and len(field.one_of) == 1:
                schema.properties[name] = _merged(field)  # type: ignore[index]
        return schema


def _checked_example(struct: type[msgspec.Struct], example: Any) -> Any:
    """``example``, once it has decoded into ``struct`` as a request body would."""
    try:
        msgspec.json.decode(msgspec.json.encode(example), type=struct)
    except msgspec.ValidationError as exc:
        raise ValueError(f"{struct.__name__}.example is not a valid body: {exc}") from exc
    return example


def _merged(field: Schema) -> Schema | Reference:
    """``{oneOf: [X], description: ...}`` as ``X`` with the outer schema's annotations."""
    (only,) = field.one_of or ()
    if isinstance(only, Reference):  # the same object: Litestar rewrites its path later
        only.description = field.description or only.description
        return only
    outer = {key: value for key, value in vars(field).items() if value is not None}
    del outer["one_of"]
    return dataclasses.replace(only, **outer)


def _takes_input(handler: HTTPRouteHandler) -> bool:
    """Whether the handler, or a dependency it uses, reads a body, query, header or cookie."""
    dependencies = handler.resolve_dependencies()
    pending, seen = [handler.parsed_fn_signature], set(_NO_INPUT)
    while pending:
        for name in pending.pop().parameters:
            if name in seen:
                continue
            seen.add(name)
            if name not in dependencies:
                return True
            pending.append(dependencies[name].parsed_fn_signature)
    return False


# --- health --------------------------------------------------------------------------------------


class Liveness(ResponseSchema):
    status: str


class Readiness(ResponseSchema):
    status: str
    checks: dict[str, str]
    """Check name -> ``ok``, ``failing``, ``timeout``, or a note that does not fail readiness
    (``worker``: ``never-seen`` while no ``alora worker`` ever started)."""


class NotReady(Problem, kw_only=True):
    checks: dict[str, str]


_FAILED = frozenset({"failing", "timeout"})


async def _run_check(name: str, check: ReadinessCheck) -> str:
    try:
        note = await asyncio.wait_for(check(), READINESS_TIMEOUT_SECONDS)
    except TimeoutError:
        logger.warning("readiness check %r timed out", name)
        return "timeout"
    except Exception:
        logger.warning("readiness check %r failed", name, exc_info=True)
        return "failing"
    return note or "ok"


async def run_checks(checks: Mapping[str, ReadinessCheck]) -> dict[str, str]:
    """Every check at once: name -> ``ok``, ``failing``, ``timeout`` or the check's note."""
    names = list(checks)
    outcomes = await asyncio.gather(*(_run_check(name, checks[name]) for name in names))
    return dict(zip(names, outcomes, strict=True))


def _health_handlers(readiness_checks: ReadinessChecks) -> list[HTTPRouteHandler]:
    def current_checks() -> Mapping[str, ReadinessCheck]:
        if isinstance(readiness_checks, Mapping):
            return readiness_checks
        return readiness_checks()

    @get(
        "/health",
        tags=["health"],
        summary="Liveness",
        description="Answers while the process serves requests; checks no dependency.",
    )
    async def liveness() -> Response[Liveness]:
        return Response(Liveness(status="ok"), headers=_NO_STORE)

    @get(
        "/health/ready",
        tags=["health"],
        summary="Readiness",
        description=(
            f"Runs every dependency check (each within {READINESS_TIMEOUT_SECONDS:g} s); "
            "503 when any fails."
        ),
        responses={
            200: ResponseSpec(
                Readiness, description="Every dependency answered.", generate_examples=False
            ),
            503: ResponseSpec(
                NotReady,
                description="A dependency failed; `checks` says which.",
                media_type=PROBLEM_MEDIA_TYPE,
                generate_examples=False,
            ),
        },
    )
    async def readiness(request: Request[Any, Any, Any]) -> Response[Any]:
        results = await run_checks(current_checks())
        failing = [name for name, outcome in results.items() if outcome in _FAILED]
        if not failing:
            return Response(Readiness(status="ready", checks=results), headers=_NO_STORE)
        problem = NotReady(
            type=PROBLEM_TYPE_BASE + "not-ready",
            title="Not ready",
            status=503,
            detail=f"Unavailable: {', '.join(failing)}.",
            instance=request.scope["path"],
            request_id=request_id_var.get() or "-",
            checks=results,
        )
        return Response(problem, status_code=503, media_type=PROBLEM_MEDIA_TYPE, headers=_NO_STORE)

    return [liveness, readiness]
