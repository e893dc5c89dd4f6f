"""Messaging's unit of work in SQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.repository import repository
from adapters.sqlalchemy.messaging.conversations import (
    SqlConversations,
    SqlEventLog,
    SqlMembers,
    SqlMessageEdits,
    SqlMessageReports,
    SqlMessages,
)
from adapters.sqlalchemy.messaging.people import SqlPeople
from adapters.sqlalchemy.uow import SqlUnitOfWork

if TYPE_CHECKING:
    from alora_core.messaging.ports import MessagingUnitOfWork


class SqlMessagingUnitOfWork(SqlUnitOfWork):
    people = repository(SqlPeople)
    conversations = repository(SqlConversations)
    members = repository(SqlMembers)
    messages = repository(SqlMessages)
    message_edits = repository(SqlMessageEdits)
    event_log = repository(SqlEventLog)
    reports = repository(SqlMessageReports)


if TYPE_CHECKING:

    def _conforms(uow: SqlMessagingUnitOfWork) -> MessagingUnitOfWork:
        return uow
