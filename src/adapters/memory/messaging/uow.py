"""Messaging's unit of work in memory."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
from adapters.memory.messaging.people import MemoryPeople
from adapters.memory.store import Reference, TableSpec
from adapters.memory.uow import MemoryUnitOfWork
from adapters.repository import repository

if TYPE_CHECKING:
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
    )

    people = repository(MemoryPeople)
    conversations = repository(MemoryConversations)
    members = repository(MemoryMembers)
    messages = repository(MemoryMessages)
    message_edits = repository(MemoryMessageEdits)
    event_log = repository(MemoryEventLog)
    reports = repository(MemoryMessageReports)


if TYPE_CHECKING:

    def _conforms(uow: MemoryMessagingUnitOfWork) -> MessagingUnitOfWork:
        return uow
