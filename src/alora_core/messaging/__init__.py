"""Messaging: connections between users, blocks, conversations (direct, group, a booking's),
messages, read state, typing and presence.

Each part is a package keeping the usual module names (``model``, ``commands``, ``events``,
``use_cases``, ``ports``, ``errors``):

- ``connections``: connection requests, connections and blocks, and ``Relationships``, the
  read port the other parts ask who is connected with and who blocked whom.

Importable from here: the commands, the errors, and the models the commands return.
"""

from alora_core.messaging.connections.commands import (
    AcceptConnectionRequest,
    BlockUser,
    ExpireConnectionRequests,
    ListBlocks,
    ListConnectionRequests,
    ListConnections,
    RejectConnectionRequest,
    RemoveConnection,
    SendConnectionRequest,
    UnblockUser,
    WithdrawConnectionRequest,
)
from alora_core.messaging.connections.errors import (
    NotConnected,
    RequestNotFound,
    RequestNotPending,
    RequestRefused,
    TooManyRequestsToday,
    UserNotFound,
)
from alora_core.messaging.connections.model import (
    Block,
    Connection,
    ConnectionRequest,
    RequestStatus,
)
from alora_core.messaging.connections.ports import Direction, Relationship
from alora_core.messaging.connections.queries import BlockView, ConnectionView, RequestView
from alora_core.messaging.people import Person

__all__ = [
    "AcceptConnectionRequest",
    "Block",
    "BlockUser",
    "BlockView",
    "Connection",
    "ConnectionRequest",
    "ConnectionView",
    "Direction",
    "ExpireConnectionRequests",
    "ListBlocks",
    "ListConnectionRequests",
    "ListConnections",
    "NotConnected",
    "Person",
    "RejectConnectionRequest",
    "Relationship",
    "RemoveConnection",
    "RequestNotFound",
    "RequestNotPending",
    "RequestRefused",
    "RequestStatus",
    "RequestView",
    "SendConnectionRequest",
    "TooManyRequestsToday",
    "UnblockUser",
    "UserNotFound",
    "WithdrawConnectionRequest",
]
