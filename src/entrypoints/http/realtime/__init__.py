"""Real time: the WebSocket gateway ``/api/v1/ws`` and the hub its sockets share.

``create_app`` builds one ``RealtimeHub`` per app over the process's ``RealtimeParts`` (see
``entrypoints.realtime_wiring``), runs ``hub.lifespan`` and keeps the hub in
``app.state.realtime_hub``. The protocol and close codes are documented in ``protocol.py``.
"""

from litestar.types import ControllerRouterHandler

from entrypoints.http.realtime.gateway import realtime_gateway
from entrypoints.http.realtime.hub import RealtimeHub

ROUTE_HANDLERS: list[ControllerRouterHandler] = [realtime_gateway]

__all__ = ["ROUTE_HANDLERS", "RealtimeHub"]
