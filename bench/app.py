"""The app the benchmark serves: the real API plus bare routes to compare against.

``uvicorn --factory bench.app:create_bench_app`` runs ``entrypoints.http.app.create_app()`` (so
the same settings, middleware and lifespan as ``alora serve``) and adds ``GET /bench/bare``, which
returns the JSON body that ``GET /api/v1/auth/me`` returns for the bench user, read once from the
file named by ``BENCH_BARE_JSON``: no authentication, no database. ``GET /bench/bare/services``
and ``GET /bench/bare/professionals`` do the same for the two lists. These "in-app bare" routes
share Alora's middleware; the goals compare against the minimal Litestar app of ``bench.bare``
instead, and the report shows both.
"""

from __future__ import annotations

import os
from pathlib import Path

from litestar import Litestar

from bench.bare import bare_handler
from entrypoints.http.app import create_app

BARE_JSON_ENV = "BENCH_BARE_JSON"
BARE_PATH = "/bench/bare"
BARE_LISTS = ("services", "professionals")
"""``GET /bench/bare/<name>`` return the JSON of the list of that name (see bench.marketplace)."""


def bare_list_file(bare_json: Path, name: str) -> Path:
    """Where the bench writes the body ``GET /bench/bare/<name>`` returns."""
    return bare_json.with_name(f"bare.{name}.json")


def create_bench_app() -> Litestar:
    app = create_app()
    bare_json = Path(os.environ[BARE_JSON_ENV])
    app.register(bare_handler(bare_json, BARE_PATH))
    for name in BARE_LISTS:
        app.register(bare_handler(bare_list_file(bare_json, name), f"{BARE_PATH}/{name}"))
    return app
