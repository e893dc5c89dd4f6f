"""Presence for contacts only.

Identity shows a user's presence (``presence:<id>``) to whoever may see their profile; messaging
narrows it to their contacts: two users connected, or members together of a booking's
conversation, neither of whom blocked the other (and oneself, always). The gateway asks both
rules, for following the topic and for ``presence.query``. A commit that may make two users no
longer contacts (a connection removed, a block) asks the followers of both users' presence again
(``no_longer_contacts``, from the after-commit hook); a member removed from a booking's
conversation does not, as the booking stays theirs.

``presence_shown`` is identity's rule as messaging's lists apply it to the people they show, so
a page reads presence once for all its rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from attrs import frozen

from alora_core.messaging.connections.events import ConnectionRemoved, UserBlocked
from alora_core.messaging.people import Person
from alora_core.messaging.ports import MessagingUnitOfWork
from alora_core.shared.actor import Actor
from alora_core.shared.commands import Command
from alora_core.shared.events import DomainEvent


@frozen(kw_only=True)
class MaySeePresence(Command[bool]):
    viewer: Actor
    user_id: uuid.UUID


async def may_see_presence(cmd: MaySeePresence, uow: MessagingUnitOfWork) -> bool:
    viewer = cmd.viewer.user_id
    if viewer is None:
        return False
    if viewer == cmd.user_id:
        return True
    async with uow.reading():
        return await are_contacts(uow, viewer, cmd.user_id)


async def are_contacts(uow: MessagingUnitOfWork, user_id: uuid.UUID, other_id: uuid.UUID) -> bool:
    """Connected or booking counterparts, and neither blocked the other (inside a reading)."""
    relationship = await uow.relationships.between(user_id, other_id)
    if relationship.blocked:
        return False
    return relationship.connected or await uow.counterparts.between(user_id, other_id)


def no_longer_contacts(committed: Iterable[DomainEvent]) -> set[uuid.UUID]:
    """The users a committed change may have made no longer someone's contact: both users of
    a connection removed and of a block."""
    users: set[uuid.UUID] = set()
    for event in committed:
        if isinstance(event, ConnectionRemoved):
            users |= {event.removed_by, event.other_id}
        elif isinstance(event, UserBlocked):
            users |= {event.blocker_id, event.blocked_id}
    return users


def presence_shown(viewer: Actor, person: Person) -> bool:
    """Whether ``viewer`` may see the presence of ``person``, one of their contacts: identity
    shows it to whoever may see the profile (an administrator sees every one; nobody else sees
    a suspended user's, an administrator's or a private profile's)."""
    if viewer.user_id == person.id or viewer.is_admin:
        return True
    return person.active and not person.is_admin and not person.private


def command_handlers() -> dict[type, Callable[..., Any]]:
    return {MaySeePresence: partial(may_see_presence)}
