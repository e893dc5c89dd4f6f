"""Domain events: frozen facts, named ``<context>.<name>``, recorded by aggregates."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from attrs import define, field, frozen

from alora_core.shared.ids import new_id


@frozen(kw_only=True)
class DomainEvent:
    """Base of every event. ``name`` is the stable wire name, e.g. ``user.registered``."""

    name: ClassVar[str] = "event"
    occurred_at: datetime
    event_id: uuid.UUID = field(factory=new_id)


@define(slots=False)
class EventRecorder:
    """Mixin for aggregates: events raised since the aggregate was loaded."""

    def record(self, event: DomainEvent) -> None:
        self._pending_events().append(event)

    def pull_events(self) -> list[DomainEvent]:
        events = self._pending_events()
        pulled = list(events)
        events.clear()
        return pulled

    def _pending_events(self) -> list[DomainEvent]:
        # Kept outside the attrs fields so persistence mapping never sees it.
        try:
            return self.__dict__["_events"]  # type: ignore[no-any-return]
        except KeyError:
            events: list[DomainEvent] = []
            self.__dict__["_events"] = events
            return events
