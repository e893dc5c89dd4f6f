"""The one converter that turns events (and other attrs values) into JSON-ready data and back.

Events cross process boundaries (outbox rows, broker messages) as
``{"name": "user.registered", "data": {...}}``: a tagged union on the event name.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime, time
from typing import Any

import cattrs

from alora_core.shared.events import DomainEvent, event_type

converter = cattrs.Converter()
converter.register_unstructure_hook(uuid.UUID, str)
converter.register_structure_hook(uuid.UUID, lambda value, _: uuid.UUID(str(value)))
for _temporal in (datetime, date, time):
    converter.register_unstructure_hook(_temporal, lambda value: value.isoformat())
converter.register_structure_hook(datetime, lambda value, _: datetime.fromisoformat(value))
converter.register_structure_hook(date, lambda value, _: date.fromisoformat(value))
converter.register_structure_hook(time, lambda value, _: time.fromisoformat(value))
converter.register_unstructure_hook(enum.Enum, lambda value: value.value)


def event_to_message(event: DomainEvent) -> dict[str, Any]:
    return {"name": event.name, "data": converter.unstructure(event)}


def event_from_message(message: dict[str, Any]) -> DomainEvent:
    """The event in ``message``; KeyError for an unknown name, a cattrs error for bad data."""
    return converter.structure(message["data"], event_type(message["name"]))
