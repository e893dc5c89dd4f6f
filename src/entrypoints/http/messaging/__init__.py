"""Messaging over HTTP: connections, blocks, conversations, messages and read state."""

from typing import Any

ROUTE_HANDLERS: list[Any] = []

__all__ = ["ROUTE_HANDLERS"]
