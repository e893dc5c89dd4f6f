"""The app the benchmark serves: the real API plus one bare route to compare against.

``uvicorn --factory bench.app:create_bench_app`` runs ``entrypoints.http.app.create_app()`` (so
the same settings, middleware and lifespan as ``alora serve``) and adds ``GET /bench/bare``, which
returns the JSON body that ``GET /api/v1/auth/me`` returns for the bench user, read once from the
file named by ``BENCH_BARE_JSON``: no authentication, no database. The ratio of the two routes'
throughput isolates the cost of authenticating and reading the user. ``GET
/bench/bare/services`` and ``GET /bench/bare/professionals`` do the same for the two lists.
"""

from __future__ import annotations

import os
from pathlib import Path

from litestar import Litestar, Response, get
from litestar.handlers import HTTPRouteHandler

from entrypoints.http.app import create_app

BARE_JSON_ENV = "BENCH_BARE_JSON"
BARE_PATH = "/bench/bare"
BARE_LISTS = ("services", "professionals")
"""``GET /bench/bare/<name>`` return the JSON of the list of that name (see bench.marketplace)."""
_JSON = "application/json"


def bare_handler(source: Path, path: str = BARE_PATH) -> HTTPRouteHandler:
    """``GET path``: the bytes of ``source``, loaded on the first call and kept."""
    loaded: list[bytes] = []

    @get(path, include_in_schema=False, name=f"bare:{path}")
    async def bare() -> Response[bytes]:
        if not loaded:
            body = _read(source)
            if body is None:  # the bench writes the file once its user exists
                return Response(b'{"status":"not ready"}', status_code=503, media_type=_JSON)
            loaded.append(body)
        return Response(loaded[0], media_type=_JSON)

    return bare


def _read(source: Path) -> bytes | None:
    try:
        return source.read_bytes()
    except FileNotFoundError:
        return None


def bare_list_file(bare_json: Path, name: str) -> Path:
    """Where the bench writes the body ``GET /bench/bare/<name>`` returns."""
    return bare_json.with_name(f"bare.{name}.json")


def create_bench_app() -> Litestar:
    app = create_app()
    bare_json = Path(os.environ[BARE_JSON_ENV])
    app.register(bare_handler(bare_json))
    for name in BARE_LISTS:
        app.register(bare_handler(bare_list_file(bare_json, name), f"{BARE_PATH}/{name}"))
    return app
