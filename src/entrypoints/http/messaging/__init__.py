"""Messaging over HTTP: connections, blocks, conversations, messages and read state."""

from typing import Any

from entrypoints.http.messaging import connections

ROUTE_HANDLERS: list[Any] = [*connections.ROUTE_HANDLERS]

__all__ = ["ROUTE_HANDLERS"]
