"""F. What each layer around a route costs: CPU per request, in this process, no network.

One route returning fixed JSON bytes is called straight through ASGI (no server, no sockets) on
a minimal Litestar app, then with each layer Alora puts around its routes added one at a time:
the request context (request id in and out, the log context, the security headers), CORS with
allowed origins (a same-origin request and a cross-origin one), the problem-details exception
handlers and the body-size limit. Variants run in alternating rounds; each reports the median
CPU microseconds per request and the difference from the minimal app. The network, uvicorn's
HTTP parsing and the socket writes are left out on purpose: they are the same for every route
(part A measures them).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from typing import Any

from litestar import Litestar, Response, get

from entrypoints.http.base import _cors_config
from entrypoints.http.middleware import RequestContextMiddleware
from entrypoints.http.problems import exception_handlers

BODY = b'{"id":"01a25194-5ddf-7060-8b2b-a520bf6b94f4","username":"bench","role":"customer"}'
ORIGIN = "https://app.example.com"


@get("/bare", sync_to_thread=False)
def _bare() -> Response[bytes]:
    return Response(BODY, media_type="application/json")


def _minimal() -> Any:
    return Litestar([_bare], logging_config=None, openapi_config=None)


def _with_context() -> Any:
    app = _minimal()
    app.asgi_handler = RequestContextMiddleware(app.asgi_handler, trust_forwarded=False)
    return app


def _with_cors() -> Any:
    app = Litestar(
        [_bare], logging_config=None, openapi_config=None, cors_config=_cors_config([ORIGIN])
    )
    return app


def _with_problems() -> Any:
    return Litestar(
        [_bare], logging_config=None, openapi_config=None, exception_handlers=exception_handlers()
    )


def _with_body_limit() -> Any:
    return Litestar(
        [_bare], logging_config=None, openapi_config=None, request_max_body_size=1_048_576
    )


def _alora_layers() -> Any:
    app = Litestar(
        [_bare],
        logging_config=None,
        openapi_config=None,
        cors_config=_cors_config([ORIGIN]),
        exception_handlers=exception_handlers(),
        request_max_body_size=1_048_576,
    )
    app.asgi_handler = RequestContextMiddleware(app.asgi_handler, trust_forwarded=False)
    return app


VARIANTS: tuple[tuple[str, Callable[[], Any], tuple[tuple[bytes, bytes], ...]], ...] = (
    ("minimal Litestar app", _minimal, ()),
    ("+ request id, log context, security headers", _with_context, ()),
    ("+ CORS, same-origin request", _with_cors, ()),
    ("+ CORS, cross-origin request", _with_cors, ((b"origin", ORIGIN.encode()),)),
    ("+ problem-details exception handlers", _with_problems, ()),
    ("+ body-size limit", _with_body_limit, ()),
    ("all of Alora's layers, cross-origin", _alora_layers, ((b"origin", ORIGIN.encode()),)),
)


def _scope(app: Any, headers: tuple[tuple[bytes, bytes], ...]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/bare",
        "raw_path": b"/bare",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1"), (b"accept", b"*/*"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "app": app,
        "state": {},
    }


async def _per_request_us(app: Any, headers: tuple[tuple[bytes, bytes], ...], n: int) -> float:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    statuses: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    start = time.process_time()
    for _ in range(n):
        await app(_scope(app, headers), receive, send)
    spent = time.process_time() - start
    if set(statuses) != {200}:
        raise RuntimeError(f"the bare route answered {sorted(set(statuses))}")
    return spent / n * 1e6


async def measure(requests: int = 5000, rounds: int = 5) -> list[dict[str, Any]]:
    """Median CPU µs per request of each variant, in alternating rounds."""
    apps = [(name, make(), headers) for name, make, headers in VARIANTS]
    for _, app, headers in apps:  # warm up: first calls build caches
        await _per_request_us(app, headers, 200)
    samples: dict[str, list[float]] = {name: [] for name, _, _ in apps}
    for _ in range(rounds):
        for name, app, headers in apps:
            samples[name].append(await _per_request_us(app, headers, requests))
    base = statistics.median(samples[VARIANTS[0][0]])
    return [
        {
            "layer": name,
            "cpu_us_per_request": round(statistics.median(values), 1),
            "added_us": round(statistics.median(values) - base, 1),
        }
        for name, values in samples.items()
    ]


def report(rows: list[dict[str, Any]]) -> str:
    lines = [
        "F. CPU per request of each layer around a route (in process, no network; median µs)",
        f"  {'':<52}{'µs':>8}{'added':>9}",
    ]
    for row in rows:
        added = "" if row["added_us"] == 0 else f"{row['added_us']:+.1f}"
        lines.append(f"  {row['layer']:<52}{row['cpu_us_per_request']:>8.1f}{added:>9}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(asyncio.run(measure())))
