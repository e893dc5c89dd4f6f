"""``/api/v1/admin/stats``: the platform's figures, for administrators."""

from entrypoints.http.reports.routes import route_handlers

__all__ = ["route_handlers"]
