"""The one converter that turns events (and other attrs values) into JSON-ready data and back.

Events cross process boundaries (outbox rows, broker messages) as
``{"name": "user.registered", "data": {...}}``: a tagged union on the event name. An event with
secret fields (``shared.secrets``) has them sealed in ``data`` and named in ``"sealed"``.
"""

from __future__ import annotations

import enum
import json
import uuid
from collections.abc import Mapping
from contextlib import suppress
from datetime import date, datetime, time
from typing import Any

import cattrs

from alora_core.shared.events import DomainEvent, event_type
from alora_core.shared.secrets import REDACTED, Sealer, secret_fields

converter = cattrs.Converter()
converter.register_unstructure_hook(uuid.UUID, str)
converter.register_structure_hook(uuid.UUID, lambda value, _: uuid.UUID(str(value)))
for _temporal in (datetime, date, time):
    converter.register_unstructure_hook(_temporal, lambda value: value.isoformat())
converter.register_structure_hook(datetime, lambda value, _: datetime.fromisoformat(value))
converter.register_structure_hook(date, lambda value, _: date.fromisoformat(value))
converter.register_structure_hook(time, lambda value, _: time.fromisoformat(value))
converter.register_unstructure_hook(enum.Enum, lambda value: value.value)


def event_to_message(event: DomainEvent, sealer: Sealer | None = None) -> dict[str, Any]:
    """The message for ``event``; its secret fields sealed by ``sealer``, which an event with
    secrets needs (``ValueError`` without one: a secret is never written in clear)."""
    data = converter.unstructure(event)
    sealed = secret_fields(type(event))
    if not sealed:
        return {"name": event.name, "data": data}
    if sealer is None:
        raise ValueError(f"{event.name} carries secrets ({', '.join(sealed)}): seal them")
    for name in sealed:
        data[name] = sealer.seal(json.dumps(data[name]))
    return {"name": event.name, "data": data, "sealed": list(sealed)}


def event_from_message(message: Mapping[str, Any], sealer: Sealer | None = None) -> DomainEvent:
    """The event in ``message``; KeyError for an unknown name, a cattrs error for bad data,
    ``SealBroken`` for sealed fields ``sealer`` cannot open (``ValueError`` without one)."""
    data = dict(message["data"])
    sealed = list(message.get("sealed") or ())
    if sealed and sealer is None:
        raise ValueError(f"{message['name']} carries sealed fields: give the sealer")
    for name in sealed:
        assert sealer is not None
        data[name] = json.loads(sealer.unseal(str(data[name])))
    return converter.structure(data, event_type(message["name"]))


def sealed_values(message: Mapping[str, Any], sealer: Sealer | None) -> list[str]:
    """The clear values of ``message``'s sealed fields that ``sealer`` opens, as text: what an
    error about the message must not quote."""
    values: list[str] = []
    for name in message.get("sealed") or ():
        with suppress(Exception):
            assert sealer is not None
            values.append(str(json.loads(sealer.unseal(str(message["data"][name])))))
    return values


def redacted_message(message: Mapping[str, Any]) -> dict[str, Any]:
    """``message`` for showing (an admin's view of a dead job, the command line): its sealed
    fields, and the fields its event declares secret, read ``[redacted]``."""
    hidden = set(message.get("sealed") or ())
    with suppress(KeyError):  # an event no longer known: what it sealed is listed in "sealed"
        hidden.update(secret_fields(event_type(str(message["name"]))))
    data = message.get("data")
    if not hidden or not isinstance(data, Mapping):
        return dict(message)
    return {
        **message,
        "data": {key: REDACTED if key in hidden else value for key, value in data.items()},
    }
