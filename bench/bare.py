"""Bare endpoints: the same bytes as an Alora route, from memory, and the minimal Litestar app.

``bare_handler`` serves a file's bytes (loaded on the first call and kept); ``bench.app`` adds
such routes inside Alora (the "in-app bare" rows). ``create_minimal_app`` is the comparator the
goals are measured against: a separate tiny Litestar app (``uvicorn --factory
bench.bare:create_minimal_app``, one worker, the same uvicorn options as the bench's Alora) that
answers ``GET /api/v1/auth/me``, ``GET /api/v1/services`` and ``GET /api/v1/professionals`` with
the bytes Alora answered, read at start-up from the directory named by ``BENCH_BODIES_DIR``
(``me.json``, ``services.json``, ``professionals.json``; a missing file leaves its route out),
plus ``GET /health``. The query string is ignored. Nothing of Alora is imported here.
"""

from __future__ import annotations

import os
from pathlib import Path

from litestar import Litestar, Response, get
from litestar.handlers import HTTPRouteHandler

BODIES_ENV = "BENCH_BODIES_DIR"
BODY_FILES = {
    "/api/v1/auth/me": "me.json",
    "/api/v1/services": "services.json",
    "/api/v1/professionals": "professionals.json",
}
"""The routes of the minimal app (and of the Express comparator) and the file of each."""
_JSON = "application/json"


def bare_handler(source: Path, path: str) -> HTTPRouteHandler:
    """``GET path``: the bytes of ``source``, loaded on the first call and kept."""
    loaded: list[bytes] = []

    @get(path, include_in_schema=False, name=f"bare:{path}")
    async def bare() -> Response[bytes]:
        if not loaded:
            body = _read(source)
            if body is None:  # the bench writes the file once the data exists
                return Response(b'{"status":"not ready"}', status_code=503, media_type=_JSON)
            loaded.append(body)
        return Response(loaded[0], media_type=_JSON)

    return bare


def _read(source: Path) -> bytes | None:
    try:
        return source.read_bytes()
    except FileNotFoundError:
        return None


def _fixed(path: str, body: bytes) -> HTTPRouteHandler:
    @get(path, name=f"minimal:{path}")
    async def fixed() -> Response[bytes]:
        return Response(body, media_type=_JSON)

    return fixed


@get("/health", name="minimal:health")
async def health() -> Response[bytes]:
    return Response(b'{"status":"ok"}', media_type=_JSON)


def create_minimal_app() -> Litestar:
    directory = Path(os.environ[BODIES_ENV])
    handlers = [health]
    for path, name in BODY_FILES.items():
        body = _read(directory / name)
        if body is not None:
            handlers.append(_fixed(path, body))
    return Litestar(route_handlers=handlers, openapi_config=None)
