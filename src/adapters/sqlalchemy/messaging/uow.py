"""Messaging's unit of work in SQL. A second pending connection request of a pair (the partial
unique index) is a bare ``Conflict``: the use case runs again and finds the other request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.repository import repository
from adapters.sqlalchemy.files.readers import SqlOwnFiles
from adapters.sqlalchemy.messaging.connections import (
    OPEN_PAIR,
    SqlBlocks,
    SqlConnectionRequests,
    SqlConnections,
    SqlRelationships,
)
from adapters.sqlalchemy.messaging.conversations import (
    SqlConversations,
    SqlMembers,
    SqlMessages,
)
from adapters.sqlalchemy.messaging.counterparts import SqlCounterparts
from adapters.sqlalchemy.messaging.message_log import (
    SqlEventLog,
    SqlMessageEdits,
    SqlMessageReports,
)
from adapters.sqlalchemy.messaging.people import SqlPeople
from adapters.sqlalchemy.uow import SqlUnitOfWork
from alora_core.shared.errors import Conflict

if TYPE_CHECKING:
    from alora_core.messaging.connections.ports import ConnectionsUnitOfWork
    from alora_core.messaging.ports import MessagingUnitOfWork


def _request_made_meanwhile() -> Conflict:
    return Conflict("a connection request between these users was made meanwhile; try again")


def _client_id_taken() -> Conflict:
    # A bare Conflict: the use case's retry finds the message stored by the concurrent send.
    return Conflict("a message with this clientId was stored at the same time; try again")


class SqlMessagingUnitOfWork(SqlUnitOfWork):
    constraint_errors = {
        OPEN_PAIR: _request_made_meanwhile,
        "uq_messaging_messages_sender_id": _client_id_taken,
    }

    people = repository(SqlPeople)
    conversations = repository(SqlConversations)
    members = repository(SqlMembers)
    messages = repository(SqlMessages)
    message_edits = repository(SqlMessageEdits)
    event_log = repository(SqlEventLog)
    reports = repository(SqlMessageReports)
    relationships = repository(SqlRelationships)
    connection_requests = repository(SqlConnectionRequests)
    connections = repository(SqlConnections)
    blocks = repository(SqlBlocks)
    own_files = repository(SqlOwnFiles)
    counterparts = repository(SqlCounterparts)


if TYPE_CHECKING:

    def _conforms(uow: SqlMessagingUnitOfWork) -> tuple[MessagingUnitOfWork, ConnectionsUnitOfWork]:
        return uow, uow
