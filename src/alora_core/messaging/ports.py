"""What the messaging context needs from the outside world."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from alora_core.messaging.connections.ports import Relationships
from alora_core.messaging.conversations.ports import (
    Conversations,
    EventLog,
    Members,
    MessageEdits,
    MessageReports,
    Messages,
    OwnFiles,
)
from alora_core.messaging.counterparts import Counterparts
from alora_core.messaging.people import People
from alora_core.shared.events import DomainEvent
from alora_core.shared.uow import UnitOfWork


class MessagingUnitOfWork(UnitOfWork, Protocol):
    def record_events(self, events: Iterable[DomainEvent]) -> None:
        """Commit ``events`` with this unit of work's changes (a rollback forgets them)."""
        ...

    @property
    def people(self) -> People: ...

    @property
    def conversations(self) -> Conversations: ...

    @property
    def members(self) -> Members: ...

    @property
    def messages(self) -> Messages: ...

    @property
    def message_edits(self) -> MessageEdits: ...

    @property
    def event_log(self) -> EventLog: ...

    @property
    def reports(self) -> MessageReports: ...

    @property
    def relationships(self) -> Relationships:
        """Who is connected with and who blocked whom (the connections part)."""
        ...

    @property
    def own_files(self) -> OwnFiles: ...

    @property
    def counterparts(self) -> Counterparts: ...
