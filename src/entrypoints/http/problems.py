"""RFC 9457 problem details: every error the API answers, mapped to a status in this one module.

Domain errors (``alora_core.shared.errors``) keep their own ``code``/``title``/``detail``; framework
errors get a status-based code. ``type`` is always ``PROBLEM_TYPE_BASE + code``. The shared
errors' statuses are here; a context maps its own errors through its module
(``ContextModule.problems``), and ``exception_handlers`` takes them all.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import (
    ClientException,
    HTTPException,
    SerializationException,
    ValidationException,
)
from litestar.openapi import ResponseSpec
from litestar.params import ParameterKwarg

from adapters.outages import unavailable_from
from alora_core.shared.errors import (
    AloraError,
    Conflict,
    FieldError,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    Unauthenticated,
    Unavailable,
)
from entrypoints.http.dates import MESSAGE as DATES_MESSAGE
from entrypoints.http.dates import OUT_OF_RANGE
from entrypoints.http.schemas import FieldProblem, Problem
from entrypoints.logging import request_id_var

if TYPE_CHECKING:
    from litestar.types import ExceptionHandlersMap

__all__ = [
    "MALFORMED_BODY_CODE",
    "PROBLEM_MEDIA_TYPE",
    "PROBLEM_TYPE_BASE",
    "camel_path",
    "error_status",
    "exception_handlers",
    "problem_response",
    "problem_responses",
    "status_problem",
]

PROBLEM_TYPE_BASE = "https://alora.dev/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"

logger = logging.getLogger(__name__)

# status -> (code, title, default detail); titles match the domain errors', one title per code.
_STATUS_PROBLEMS: dict[int, tuple[str, str, str]] = {
    400: ("bad-request", "Bad request", "The request is malformed."),
    401: (Unauthenticated.code, Unauthenticated.title, "Authentication is required."),
    403: (Forbidden.code, Forbidden.title, "You are not allowed to do this."),
    404: (NotFound.code, NotFound.title, "The resource does not exist."),
    405: ("method-not-allowed", "Method not allowed", "This method is not allowed here."),
    409: (Conflict.code, Conflict.title, "The request conflicts with the current state."),
    413: ("payload-too-large", "Payload too large", "The request body is too large."),
    415: ("unsupported-media-type", "Unsupported media type", "This content type is not accepted."),
    422: (Invalid.code, Invalid.title, "Some fields are invalid; see errors."),
    429: (RateLimited.code, RateLimited.title, "Too many requests; retry later."),
    500: ("internal-error", "Internal server error",
          "An unexpected error occurred. Quote the request id when reporting it."),
    503: ("unavailable", "Service unavailable", "The service is temporarily unavailable."),
}  # fmt: skip

SHARED_STATUSES: dict[type[AloraError], int] = {
    Invalid: 422,
    NotFound: 404,
    Conflict: 409,
    Forbidden: 403,
    Unauthenticated: 401,
    RateLimited: 429,
    Unavailable: 503,
}

MALFORMED_BODY_CODE = "malformed-body"
_MALFORMED_BODY = (MALFORMED_BODY_CODE, "Malformed request body", "The request body must be JSON.")
_MISSING_BODY_DETAIL = "A JSON request body is required."


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def status_problem(status: int) -> tuple[str, str, str]:
    """``(code, title, default detail)`` for an HTTP status."""
    if known := _STATUS_PROBLEMS.get(status):
        return known
    try:
        phrase = HTTPStatus(status)
    except ValueError:
        return ("http-error", "HTTP error", "The request failed.")
    code = re.sub(r"[^a-z0-9]+", "-", phrase.phrase.lower()).strip("-")
    return (code, phrase.phrase.capitalize(), phrase.description)


_CAMEL = re.compile(r"(?<=[A-Za-z0-9])_+([A-Za-z0-9])")


def camel_path(path: str) -> str:
    """``address.postal_code`` -> ``address.postalCode`` (msgspec's ``rename="camel"`` rule)."""
    return _CAMEL.sub(lambda m: m.group(1).upper(), path) if "_" in path else path


def problem_response(
    request: Request[Any, Any, Any],
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    errors: list[FieldProblem] | None = None,
    headers: Mapping[str, str] | None = None,
    reason: str | None = None,
) -> Response[bytes]:
    """Build an ``application/problem+json`` response carrying the current request id."""
    problem = Problem(
        type=PROBLEM_TYPE_BASE + code,
        title=title,
        status=status,
        detail=detail,
        instance=request.scope["path"],
        request_id=request_id_var.get() or "-",
        errors=errors if errors is not None else msgspec.UNSET,
        reason=reason if reason is not None else msgspec.UNSET,
    )
    return Response(
        content=msgspec.json.encode(problem),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=dict(headers) if headers else None,
    )


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI error responses: ``@post(..., responses=problem_responses(404, 409))``."""
    specs: dict[int, ResponseSpec] = {}
    for status in statuses:
        _, title, detail = status_problem(status)
        specs[status] = ResponseSpec(
            data_container=Problem,
            description=f"{title}. {detail}",
            media_type=PROBLEM_MEDIA_TYPE,
            generate_examples=False,
        )
    return specs


# --- domain errors -------------------------------------------------------------------------------


def _field_problem(error: FieldError) -> FieldProblem:
    return FieldProblem(field=camel_path(error.field), message=error.message, code=error.code)


def error_status(error: type[AloraError], statuses: Mapping[type[AloraError], int]) -> int:
    """The HTTP status of ``error``: its own in ``statuses``, else its nearest base's; 400."""
    return next((statuses[c] for c in error.__mro__ if c in statuses), 400)


def domain_error_handler(
    statuses: Mapping[type[AloraError], int],
) -> Callable[[Request[Any, Any, Any], AloraError], Response[bytes]]:
    """The handler of domain errors, ``statuses`` mapping each error class (and its subclasses
    that have none of their own) to its HTTP status; 400 for others."""

    def handle(request: Request[Any, Any, Any], exc: AloraError) -> Response[bytes]:
        status = error_status(type(exc), statuses)
        if isinstance(exc, Unavailable):
            logger.warning(
                "%s on %s %s: %s",
                exc.reason or exc.code,
                request.method,
                request.scope.get("path"),
                exc.__cause__ or exc.detail,
            )
        return domain_problem(request, exc, status)

    return handle


def domain_problem(
    request: Request[Any, Any, Any], exc: AloraError, status: int
) -> Response[bytes]:
    errors: list[FieldProblem] | None = None
    headers: dict[str, str] = {}
    if isinstance(exc, Invalid):
        errors = [_field_problem(e) for e in exc.errors]
    elif isinstance(exc, Conflict) and exc.field:
        errors = [FieldProblem(field=camel_path(exc.field), message=exc.detail, code=exc.code)]
    elif isinstance(exc, Unauthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    elif isinstance(exc, RateLimited | Unavailable):
        headers["Retry-After"] = str(exc.retry_after_seconds)
    return problem_response(
        request,
        status=status,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        errors=errors,
        headers=headers,
        reason=reason if isinstance(reason := getattr(exc, "reason", None), str) else None,
    )


# --- request validation (Litestar + msgspec) -----------------------------------------------------

_MISSING_FIELD = re.compile(r"Object missing required field `(?P<name>.*)`")
_UNKNOWN_FIELD = re.compile(r"Object contains unknown field `(?P<name>.*)`")
_WRONG_TYPE = re.compile(r"Expected `[^`]+`, got `[^`]+`")
_MISSING_PARAM = re.compile(r"Missing required (?:\w+ )?parameter '(?P<name>[^']+)'")
_CAUSE_BODY_PATH = re.compile(r" - at `\$\.data(?P<path>[.\[][^`]*)?`$")
_FIELD_RULE = re.compile(r"`(?P<name>[A-Za-z0-9_]+)` (?P<message>.+)")
"""A request schema's own check (``ValueError("`field` message")``, as ``dates`` raises)."""
_TYPE_WORDS = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}


def _humanize(message: str) -> str:
    """msgspec's "Expected `int` >= 1" -> "expected integer >= 1"."""

    def word(match: re.Match[str]) -> str:
        return " | ".join(_TYPE_WORDS.get(part, part) for part in match.group(1).split(" | "))

    text = re.sub(r"`([^`]*)`", word, message)
    return text[:1].lower() + text[1:]


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _body_path(key: str, exc: ValidationException) -> str:
    # Litestar strips "data." from the key with str.replace, which mangles nested fields whose
    # name ends in "data" ("metadata.x" -> "metax"); msgspec's own error, when it concerns the
    # body, holds the exact path.
    if isinstance(exc.__cause__, msgspec.ValidationError) and (
        match := _CAUSE_BODY_PATH.search(str(exc.__cause__))
    ):
        return (match.group("path") or "").removeprefix(".")
    return "" if key == "data" else key


def _parameter_name(request: Request[Any, Any, Any], key: str) -> str:
    """The name the client used for a query/header/cookie/path parameter."""
    handler = request.scope.get("route_handler")
    if handler is None:
        return key
    providers = handler.resolve_dependencies().values()
    for signature in [handler.parsed_fn_signature, *(p.parsed_fn_signature for p in providers)]:
        field = signature.parameters.get(key)
        kwarg = getattr(field, "kwarg_definition", None)
        if isinstance(kwarg, ParameterKwarg) and kwarg.name:
            return kwarg.name
    return key


def _message_problem(path: str, message: str) -> FieldProblem:
    if match := _MISSING_FIELD.fullmatch(message):
        return FieldProblem(
            field=_join(path, match["name"]), message="is required", code="required"
        )
    if match := _UNKNOWN_FIELD.fullmatch(message):
        return FieldProblem(
            field=_join(path, match["name"]), message="is not a known field", code="unknown-field"
        )
    if match := _FIELD_RULE.fullmatch(message):
        code = OUT_OF_RANGE if match["message"] == DATES_MESSAGE else "invalid"
        return FieldProblem(field=_join(path, match["name"]), message=match["message"], code=code)
    code = "type" if _WRONG_TYPE.fullmatch(message) else "invalid"
    return FieldProblem(field=path, message=_humanize(message), code=code)


def handle_validation_error(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[bytes]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    errors: list[FieldProblem] = []
    for item in extra:
        if not isinstance(item, dict):
            continue
        key, message = str(item.get("key", "")), str(item.get("message", ""))
        if item.get("source") == "body":
            if key == "data" and message == "'data'":  # no body at all
                code, title, _ = _MALFORMED_BODY
                return problem_response(
                    request, status=400, code=code, title=title, detail=_MISSING_BODY_DETAIL
                )
            errors.append(_message_problem(_body_path(key, exc), message))
        else:
            errors.append(_message_problem(_parameter_name(request, key), message))
    if not errors and (match := _MISSING_PARAM.search(exc.detail)):
        errors.append(FieldProblem(field=match["name"], message="is required", code="required"))
    if not errors:
        code, title, _ = status_problem(400)
        return problem_response(request, status=400, code=code, title=title, detail=exc.detail)
    code, title, detail = status_problem(422)
    return problem_response(
        request, status=422, code=code, title=title, detail=detail, errors=errors
    )


# --- other HTTP errors and the unexpected -------------------------------------------------------


def handle_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    status = exc.status_code
    if isinstance(exc, ClientException) and isinstance(exc.__cause__, SerializationException):
        code, title, detail = _MALFORMED_BODY
        return problem_response(request, status=400, code=code, title=title, detail=detail)

    code, title, detail = status_problem(status)
    if status >= 500:
        logger.error(
            "%s %s failed with HTTP %s",
            request.method,
            request.scope.get("path"),
            status,
            exc_info=exc,
        )
    elif exc.detail and exc.detail != _phrase(status):
        detail = exc.detail  # raised on purpose with a message for the client
    headers = dict(exc.headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return problem_response(
        request, status=status, code=code, title=title, detail=detail, headers=headers
    )


_BODY_DECODING = frozenset({Request.json.__code__, Request.msgpack.__code__})


def _raised_decoding_body(exc: BaseException) -> bool:
    # Litestar turns msgspec.DecodeError into a 400 but lets invalid UTF-8 inside strings
    # (UnicodeDecodeError) and too-deep nesting (RecursionError) through as if they were bugs.
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code in _BODY_DECODING:
            return True
        tb = tb.tb_next
    return False


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    if isinstance(exc, ValueError | RecursionError) and _raised_decoding_body(exc):
        code, title, detail = _MALFORMED_BODY
        return problem_response(request, status=400, code=code, title=title, detail=detail)
    if (outage := unavailable_from(exc)) is not None:
        logger.warning(
            "%s on %s %s: %s",
            outage.reason or outage.code,
            request.method,
            request.scope.get("path"),
            exc,
        )
        return domain_problem(request, outage, 503)
    logger.error(
        "unhandled %s on %s %s",
        type(exc).__name__,
        request.method,
        request.scope.get("path"),
        exc_info=exc,
    )
    code, title, detail = status_problem(500)
    return problem_response(request, status=500, code=code, title=title, detail=detail)


def exception_handlers(
    statuses: Mapping[type[AloraError], int] | None = None,
) -> ExceptionHandlersMap:
    """The app-wide mapping for ``Litestar(exception_handlers=...)``; most specific class wins.
    ``statuses``: the contexts' own errors' statuses, beside the shared ones."""
    return {
        AloraError: domain_error_handler({**SHARED_STATUSES, **(statuses or {})}),
        ValidationException: handle_validation_error,
        HTTPException: handle_http_exception,
        Exception: handle_unexpected,
    }
