"""What the connections lists show: each entry with the other user's public fields."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from alora_core.messaging.connections.model import ConnectionRequest
from alora_core.messaging.people import Person


@frozen(kw_only=True)
class RequestView:
    request: ConnectionRequest
    other: Person
    """The user on the other side of the request from the caller."""


@frozen(kw_only=True)
class ConnectionView:
    other: Person
    connected_at: datetime


@frozen(kw_only=True)
class BlockView:
    blocked: Person
    blocked_at: datetime
