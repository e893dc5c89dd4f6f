"""Read state: each member's read marker (the last message seq they read), moved forward only,
the unread counts, and who sees whose marker.

A member's marker shows to the others (read receipts) in direct and booking conversations and
in groups of up to ``RECEIPTS_MAX_MEMBERS`` active members, when the member's
``show_read_receipts`` setting is on; otherwise its ``read.updated`` goes to the member alone
(their other devices). Unread messages are the others' messages after the marker that are not
deleted, up to the last the member may read.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from alora_core.messaging.conversations import message_commands as c
from alora_core.messaging.conversations.changes import record_change
from alora_core.messaging.conversations.message_access import MessagesDeps, member_of
from alora_core.messaging.conversations.messages_wire import wire_time
from alora_core.messaging.conversations.model import (
    RECEIPTS_MAX_MEMBERS,
    Conversation,
    ConversationKind,
    Member,
)
from alora_core.messaging.ports import MessagingUnitOfWork
from alora_core.shared.errors import Invalid
from alora_core.shared.retry import retrying_on_stale


def _receipts_allowed(conversation: Conversation, members: Sequence[Member]) -> bool:
    """Whether markers may show to others in this conversation at all."""
    if conversation.kind is not ConversationKind.GROUP:
        return True
    return sum(m.active for m in members) <= RECEIPTS_MAX_MEMBERS


async def _shows(uow: MessagingUnitOfWork, user_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Those among ``user_ids`` whose settings show their read markers."""
    people = await uow.people.get_many(user_ids)
    return {user_id for user_id, person in people.items() if person.show_read_receipts}


async def mark_read(cmd: c.MarkRead, uow: MessagingUnitOfWork, deps: MessagesDeps) -> c.ReadState:
    user_id = cmd.actor.require_user_id()
    if cmd.up_to < 0:
        raise Invalid.field("up_to", "must be at least 0")

    async def attempt() -> c.ReadState:
        async with uow:
            conversation, member = await member_of(uow, cmd.actor, cmd.conversation_id, lock=True)
            last = conversation.last_seq if member.until_seq is None else member.until_seq
            target = min(cmd.up_to, last)
            moved = target > member.read_seq
            if moved:
                member.read_seq = target
            if moved and member.active:
                now = deps.clock.now()
                members = await uow.members.of(conversation.id)
                shown = _receipts_allowed(conversation, members) and bool(
                    await _shows(uow, [user_id])
                )
                data = {"userId": str(user_id), "upTo": target, "readAt": wire_time(now)}
                await record_change(
                    uow,
                    conversation,
                    members,
                    "read.updated",
                    data,
                    now,
                    only_user_id=None if shown else user_id,
                )
            counts = await uow.messages.unread_counts(user_id, conversation.id)
            if moved:
                await uow.commit()
            return c.ReadState(
                read_up_to=member.read_seq, unread_count=counts.get(conversation.id, 0)
            )

    return await retrying_on_stale(attempt)


async def list_read_markers(
    cmd: c.ListReadMarkers, uow: MessagingUnitOfWork, deps: MessagesDeps
) -> list[c.ReadMarker]:
    async with uow.reading():
        conversation, member = await member_of(uow, cmd.actor, cmd.conversation_id)
        members = await uow.members.of(conversation.id)
        others: list[uuid.UUID] = []
        if member.active and _receipts_allowed(conversation, members):
            others = [m.user_id for m in members if m.active and m.user_id != member.user_id]
        shown = await _shows(uow, others) if others else set()
    return [
        c.ReadMarker(user_id=m.user_id, up_to=m.read_seq)
        for m in members
        if m.user_id == member.user_id or m.user_id in shown
    ]


async def count_unread(
    cmd: c.CountUnread, uow: MessagingUnitOfWork, deps: MessagesDeps
) -> c.Unread:
    user_id = cmd.actor.require_user_id()
    async with uow.reading():
        counts = await uow.messages.unread_counts(user_id)
    return c.Unread(total=sum(counts.values()), conversations=sum(1 for n in counts.values() if n))


USE_CASES: dict[type, Callable[..., Any]] = {
    c.MarkRead: mark_read,
    c.ListReadMarkers: list_read_markers,
    c.CountUnread: count_unread,
}
