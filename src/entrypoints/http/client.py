"""Who is calling: the client's IP address and user agent, as far as the request can tell."""

from __future__ import annotations

import ipaddress
from typing import Any

from litestar.connection import ASGIConnection

MAX_USER_AGENT_LENGTH = 300


def client_ip(request: ASGIConnection[Any, Any, Any, Any], trust_forwarded: bool) -> str:
    """The first ``X-Forwarded-For`` address when the proxy is trusted, else the socket peer.

    A forwarded value that is not an IP address is ignored. ``unknown`` when there is no peer.
    """
    if trust_forwarded and (forwarded := request.headers.get("x-forwarded-for")):
        first = forwarded.split(",", 1)[0].strip()
        try:
            return str(ipaddress.ip_address(first))
        except ValueError:
            pass
    client = request.client
    return client.host if client and client.host else "unknown"


def user_agent(request: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The ``User-Agent`` header, cut to ``MAX_USER_AGENT_LENGTH`` characters ("" when absent)."""
    return request.headers.get("user-agent", "")[:MAX_USER_AGENT_LENGTH]
