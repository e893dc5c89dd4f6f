"""``/api/v1/admin/stats``: the platform's figures, for administrators."""

from entrypoints.http.reports.routes import StatisticsController

ROUTE_HANDLERS = [StatisticsController]
