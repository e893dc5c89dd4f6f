"""The API explorer at ``/schema``: Swagger UI served from this app, with no CDN.

The page and every asset it loads (script, stylesheet, icon) come from ``/schema/assets``, a
static route over the Swagger UI build that the ``openapi-ui-bundles`` package ships, so the
explorer works offline and behind a firewall, and a browser fetches nothing from another host.
"""

from __future__ import annotations

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import OpenAPIRenderPlugin, SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from openapi_ui_bundles import swagger_ui

__all__ = ["SCHEMA_ASSETS_PATH", "SCHEMA_PATH", "schema_assets_router", "schema_render_plugins"]

SCHEMA_PATH = "/schema"
SCHEMA_ASSETS_PATH = f"{SCHEMA_PATH}/assets"
_ASSETS_MAX_AGE_SECONDS = 86_400  # the files change only with the package's version


def schema_render_plugins() -> list[OpenAPIRenderPlugin]:
    """Swagger UI at ``/schema``, loading its files from ``SCHEMA_ASSETS_PATH``."""
    return [
        SwaggerRenderPlugin(
            path="/",
            js_url=f"{SCHEMA_ASSETS_PATH}/swagger-ui-bundle.js",
            css_url=f"{SCHEMA_ASSETS_PATH}/swagger-ui.css",
            standalone_preset_js_url=f"{SCHEMA_ASSETS_PATH}/swagger-ui-standalone-preset.js",
            favicon=(
                f"<link rel='icon' type='image/png' href='{SCHEMA_ASSETS_PATH}/favicon-32x32.png'>"
            ),
        )
    ]


def schema_assets_router() -> Router:
    """The static route serving Swagger UI's files (left out of the OpenAPI document)."""
    return create_static_files_router(
        path=SCHEMA_ASSETS_PATH,
        directories=[swagger_ui.static_path],
        name="schema-assets",
        include_in_schema=False,
        cache_control=CacheControlHeader(public=True, max_age=_ASSETS_MAX_AGE_SECONDS),
    )
