"""The reasons a route's 4xx problems carry, listed in each 4xx response of the OpenAPI document.

A problem's reason is its ``reason`` field when it has one (``taken``), else the last part of
its ``type`` (``not-found``). Every documented 4xx lists the status's own reason (the one the
framework answers, ``status_problem``), ``malformed-body`` on a 400 of a route that takes a
body, and the reasons of the domain errors the route names with ``opt=raises(...)`` or answers
through the app's own machinery (``implied``: ``CrossSite``): an error's
``reasons`` (``AloraError.reasons``), or its ``code`` when that is its own. Each error goes
under the status the exception handler answers it with (``error_status``, the same mapping),
and a route naming an error whose status it does not document is refused when the app is
built: the list is made from what the code raises and answers, so it cannot drift.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from typing import Any

from litestar.handlers import HTTPRouteHandler
from litestar.openapi import ResponseSpec

from alora_core.shared.errors import AloraError
from entrypoints.http.problems import MALFORMED_BODY_CODE, error_status, status_problem

__all__ = ["RAISES", "REASONS_HEADING", "describe_reasons", "problem_reasons", "raises"]

RAISES = "raises"
"""The ``opt`` key of a route handler naming the domain errors the route may answer."""
REASONS_HEADING = "Reasons (the problem's `reason`, or else the last part of its `type`):"
_REASON_LINE = re.compile(r"^- `([^`]+)`: ", re.MULTILINE)


def raises(*errors: type[AloraError]) -> dict[str, Any]:
    """``@post(..., opt=raises(SlotUnavailable, TransitionRefused))``: the domain errors, beyond
    the shared ones, that the route may answer; their reasons are documented."""
    return {RAISES: errors}


_STATUS_MEANINGS = {
    400: "a query, header or path parameter cannot be read",
    401: "no access token, or one that is malformed, expired or of an ended session",
    403: "the caller may not do this",
    404: "no such resource, or one the caller may not see",
    409: "the request clashes with the current state, or the state changed meanwhile: "
    "`detail` says how, and `errors` names the field of a duplicate; reload and try again",
    413: "the body is larger than the limit",
    415: "the body's content type is not one the route accepts",
    422: "some input is invalid: `errors` names each field, with a code",
    429: "too many requests: retry after the `Retry-After` header's seconds",
}


def _meaning(text: str) -> str:
    first = text.strip().split("\n\n")[0]
    first = " ".join(first.split()).removesuffix(".")
    return first[:1].lower() + first[1:]


def problem_reasons(
    status: int,
    errors: Iterable[type[AloraError]],
    statuses: Mapping[type[AloraError], int],
    *,
    takes_body: bool,
) -> dict[str, str]:
    """Reason -> meaning for the problems of ``status`` a route may answer."""
    code, _, detail = status_problem(status)
    reasons = {code: _STATUS_MEANINGS.get(status) or _meaning(detail)}
    if status == 400 and takes_body:
        reasons[MALFORMED_BODY_CODE] = "the body is missing or is not JSON"
    for error in errors:
        if error_status(error, statuses) != status:
            continue
        if error.reasons:
            reasons.update(error.reasons)
        else:
            reasons.setdefault(error.code, _meaning(error.__doc__ or error.title))
    return reasons


def _with_reasons(description: str | None, reasons: Mapping[str, str]) -> str:
    lines = "\n".join(f"- `{reason}`: {meaning}" for reason, meaning in reasons.items())
    return f"{description or ''}\n\n{REASONS_HEADING}\n{lines}".lstrip()


def documented_reasons(description: str) -> list[str]:
    """The reasons a response's description lists."""
    return _REASON_LINE.findall(description)


def describe_reasons(
    handler: HTTPRouteHandler,
    responses: Mapping[int, ResponseSpec],
    statuses: Mapping[type[AloraError], int],
    *,
    takes_body: bool,
    implied: Iterable[type[AloraError]] = (),
) -> dict[int, ResponseSpec]:
    """``responses`` with the reasons listed in each 4xx's description. ``implied``: errors
    the route answers through the app's own machinery (a guard, the credentials check)."""
    errors = (*handler.opt.get(RAISES, ()), *implied)
    for error in errors:
        if (status := error_status(error, statuses)) not in responses:
            raise ValueError(
                f"{handler} may answer {error.__name__} ({status}) but does not document {status}"
            )
    described: dict[int, ResponseSpec] = {}
    for status, spec in responses.items():
        if 400 <= status < 500:
            reasons = problem_reasons(status, errors, statuses, takes_body=takes_body)
            spec = dataclasses.replace(spec, description=_with_reasons(spec.description, reasons))
        described[status] = spec
    return described
