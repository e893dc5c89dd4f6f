"""Domain events: frozen facts, named ``<context>.<name>``, recorded by aggregates."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from attrs import define, field, frozen

from alora_core.shared.ids import new_id

_EVENT_TYPES: dict[str, type[DomainEvent]] = {}


@frozen(kw_only=True)
class DomainEvent:
    """Base of every event. ``name`` is the stable wire name, e.g. ``user.registered``.

    Defining a subclass registers it under its ``name``: that is all it takes for the outbox,
    the broker and the handlers to know it.
    """

    name: ClassVar[str] = "event"
    occurred_at: datetime
    event_id: uuid.UUID = field(factory=new_id)

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        known = _EVENT_TYPES.get(cls.name)
        # attrs builds a slotted class from the one written; that second class replaces it.
        if known is not None and known.__qualname__ != cls.__qualname__:
            raise TypeError(f"event name {cls.name!r} is used by {known.__qualname__} already")
        _EVENT_TYPES[cls.name] = cls


def event_type(name: str) -> type[DomainEvent]:
    """The event class registered under ``name``; ``KeyError`` when there is none."""
    return _EVENT_TYPES[name]


def event_names() -> list[str]:
    return sorted(_EVENT_TYPES)


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
