"""Every problem an HTTP test receives is one its operation documents: when the OpenAPI
document lists the answered status, the problem's reason (its ``reason``, else the last part
of its ``type``) is among the reasons that response lists. ``open_api`` checks this on every
response, so each HTTP test also keeps the documented reasons from drifting."""

from __future__ import annotations

import re
from typing import Any

import httpx
from litestar import Litestar

from entrypoints.http.reasons import documented_reasons

Operations = list[tuple[re.Pattern[str], str, dict[str, Any]]]
_documents: dict[tuple[str, ...], Operations] = {}
"""Apps with the same routes have the same document: it is built once per process."""


def _operations(app: Litestar) -> Operations:
    key = tuple(sorted(route.path for route in app.routes))
    if key not in _documents:
        paths = app.openapi_schema.to_schema()["paths"]
        _documents[key] = [
            (re.compile(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)) + "/?"), method, op)
            for path, item in paths.items()
            for method, op in item.items()
        ]
    return _documents[key]


def reason_checker(app: Litestar) -> Any:
    """An httpx response hook failing on a problem whose reason its response does not list."""

    async def check(response: httpx.Response) -> None:
        status = str(response.status_code)
        media_type = response.headers.get("content-type", "").split(";")[0]
        if not status.startswith("4") or media_type != "application/problem+json":
            return
        method, path = response.request.method.lower(), response.request.url.path
        matching = (
            op
            for pattern, verb, op in _operations(app)
            if verb == method and pattern.fullmatch(path)
        )
        operation = next(matching, None)
        if operation is None:
            return  # no such operation (a 404 or 405 of the router)
        documented = operation["responses"].get(status)
        if documented is None:
            return  # an undocumented status is the contract tests' to find
        await response.aread()
        problem = response.json()
        reason = problem.get("reason") or problem["type"].rsplit("/", 1)[-1]
        listed = documented_reasons(documented["description"])
        assert reason in listed, (
            f"{method.upper()} {path} answered {status} with reason {reason!r}, which its "
            f"OpenAPI response does not list ({listed}): name the error in the route's "
            "opt=raises(...), with its reasons"
        )

    return check
