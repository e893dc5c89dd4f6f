"""``/api/v1/admin/jobs`` and ``/api/v1/admin/health``: background work, for administrators."""

from entrypoints.http.operations.routes import OperationsController

ROUTE_HANDLERS = [OperationsController]
