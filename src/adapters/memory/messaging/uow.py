"""Messaging's unit of work in memory."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.memory.files.readers import MemoryOwnFiles
from adapters.memory.messaging.connections import (
    MemoryBlocks,
    MemoryConnectionRequests,
    MemoryConnections,
    MemoryRelationships,
)
from adapters.memory.messaging.conversations import (
    CONVERSATIONS,
    EDITS,
    EVENTS,
    MEMBERS,
    MESSAGES,
    REPORTS,
    MemoryConversations,
    MemoryEventLog,
    MemoryMembers,
    MemoryMessageEdits,
    MemoryMessageReports,
    MemoryMessages,
)
from adapters.memory.messaging.counterparts import MemoryCounterparts
from adapters.memory.messaging.people import MemoryPeople
from adapters.memory.store import Reference, TableSpec
from adapters.memory.uow import MemoryUnitOfWork
from adapters.repository import repository

if TYPE_CHECKING:
    from alora_core.messaging.connections.ports import ConnectionsUnitOfWork
    from alora_core.messaging.ports import MessagingUnitOfWork


_IN_CONVERSATION = Reference("conversation_id", CONVERSATIONS)


class MemoryMessagingUnitOfWork(MemoryUnitOfWork):
    tables = (
        TableSpec(
            CONVERSATIONS,
            unique=("direct_pair", "booking_id"),
            references=(Reference("created_by", "users", on_delete="set null"),),
        ),
        TableSpec(MEMBERS, references=(_IN_CONVERSATION, Reference("user_id", "users"))),
        TableSpec(
            MESSAGES,
            references=(_IN_CONVERSATION, Reference("sender_id", "users", on_delete="set null")),
        ),
        TableSpec(EDITS, references=(Reference("message_id", MESSAGES),)),
        TableSpec(EVENTS, references=(_IN_CONVERSATION,)),
        TableSpec(
            REPORTS,
            references=(
                Reference("message_id", MESSAGES),
                _IN_CONVERSATION,
                Reference("reporter_id", "users"),
            ),
        ),
        TableSpec(
            "connection_requests",
            unique=("open_pair",),
            references=(Reference("sender_id", "users"), Reference("recipient_id", "users")),
        ),
        TableSpec(
            "connections",
            unique=("pair",),
            references=(
                Reference("user_low", "users"),
                Reference("user_high", "users"),
                Reference("requested_by", "users"),
            ),
        ),
        TableSpec(
            "blocks",
            unique=("pair",),
            references=(Reference("blocker_id", "users"), Reference("blocked_id", "users")),
        ),
    )

    people = repository(MemoryPeople)
    conversations = repository(MemoryConversations)
    members = repository(MemoryMembers)
    messages = repository(MemoryMessages)
    message_edits = repository(MemoryMessageEdits)
    event_log = repository(MemoryEventLog)
    reports = repository(MemoryMessageReports)
    relationships = repository(MemoryRelationships)
    connection_requests = repository(MemoryConnectionRequests)
    connections = repository(MemoryConnections)
    blocks = repository(MemoryBlocks)
    own_files = repository(MemoryOwnFiles)
    counterparts = repository(MemoryCounterparts)


if TYPE_CHECKING:

    def _conforms(
        uow: MemoryMessagingUnitOfWork,
    ) -> tuple[MessagingUnitOfWork, ConnectionsUnitOfWork]:
        return uow, uow
