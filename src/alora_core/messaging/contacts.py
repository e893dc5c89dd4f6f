"""Contacts: the people a user talks with, with their presence.

A user's contacts are their connections and their booking counterparts (members together of a
booking's conversation), less anyone blocked either way and anyone suspended, ordered by name.
``q`` keeps those whose name or username contains it (ignoring case), ``online`` those online
now. Presence is read once per page (for every candidate when filtering on ``online``), and
shows only where identity's rule allows (``presence_shown``); elsewhere it is ``None``.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from attrs import frozen

from alora_core.messaging.people import Person
from alora_core.messaging.ports import MessagingUnitOfWork
from alora_core.messaging.presence import presence_shown
from alora_core.shared.actor import Actor
from alora_core.shared.commands import Command
from alora_core.shared.errors import Invalid
from alora_core.shared.pagination import MAX_PAGE_SIZE, CursorPage
from alora_core.shared.presence import Presence, PresenceState

MAX_QUERY = 100


@frozen(kw_only=True)
class Contact:
    person: Person
    presence: PresenceState | None
    """None where the viewer may not see it (a private profile ...)."""


@frozen(kw_only=True)
class ListContacts(Command[CursorPage[Contact]]):
    actor: Actor
    q: str | None = None
    online: bool = False
    cursor: str | None = None
    limit: int = 50


@frozen(kw_only=True)
class ContactsDeps:
    presence: Presence


SortKey = tuple[str, str]


def _sort_key(person: Person) -> SortKey:
    return (person.full_name.casefold(), str(person.id))


def encode_cursor(key: SortKey) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).rstrip(b"=").decode()


def decode_cursor(cursor: str) -> SortKey:
    """The sort key a cursor names; ``Invalid`` (field ``cursor``) for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii") + b"==")
        name, user_id = json.loads(raw)
        key = (str(name), str(uuid.UUID(user_id)))
    except (binascii.Error, UnicodeError, ValueError, TypeError, AttributeError):
        key = ("", "")
    if not key[1] or encode_cursor(key) != cursor:
        raise Invalid.field("cursor", "is not a cursor from this list; start without one")
    return key


def _query(q: str | None) -> str | None:
    if q is None or not q.strip():
        return None
    q = q.strip()
    if len(q) > MAX_QUERY:
        raise Invalid.field("q", f"must be at most {MAX_QUERY} characters")
    return q.casefold()


def _matches(person: Person, q: str | None) -> bool:
    return q is None or q in person.full_name.casefold() or q in person.username.casefold()


async def contact_ids(uow: MessagingUnitOfWork, user_id: uuid.UUID) -> set[uuid.UUID]:
    """Connections and booking counterparts, less those blocked either way (in a reading)."""
    ids = await uow.relationships.connection_ids(user_id) | await uow.counterparts.of(user_id)
    return ids - await uow.relationships.blocked_ids(user_id) - {user_id}


async def list_contacts(
    cmd: ListContacts, uow: MessagingUnitOfWork, deps: ContactsDeps
) -> CursorPage[Contact]:
    if not 1 <= cmd.limit <= MAX_PAGE_SIZE:
        raise Invalid.field("limit", f"must be 1 to {MAX_PAGE_SIZE}")
    q = _query(cmd.q)
    after = None if cmd.cursor is None else decode_cursor(cmd.cursor)
    user_id = cmd.actor.require_user_id()
    async with uow.reading():
        people = await uow.people.get_many(await contact_ids(uow, user_id))
    candidates = sorted((p for p in people.values() if p.active and _matches(p, q)), key=_sort_key)
    if after is not None:
        candidates = [p for p in candidates if _sort_key(p) > after]
    if cmd.online:
        shown = [p for p in candidates if presence_shown(cmd.actor, p)]
        states = await deps.presence.query([p.id for p in shown])
        candidates = [p for p in shown if states[p.id].online]
    else:
        page = candidates[: cmd.limit]
        states = await deps.presence.query([p.id for p in page if presence_shown(cmd.actor, p)])
    items = [Contact(person=p, presence=states.get(p.id)) for p in candidates[: cmd.limit]]
    more = len(candidates) > cmd.limit
    return CursorPage(
        items=items, next_cursor=encode_cursor(_sort_key(items[-1].person)) if more else None
    )


async def presence_of(
    viewer: Actor, people: Sequence[Person], presence: Presence
) -> dict[uuid.UUID, PresenceState]:
    """The presence of those of ``people`` the viewer may see, in one read (for lists)."""
    return await presence.query([p.id for p in people if presence_shown(viewer, p)])


def command_handlers(deps: ContactsDeps) -> dict[type, Callable[..., Any]]:
    return {ListContacts: partial(list_contacts, deps=deps)}
