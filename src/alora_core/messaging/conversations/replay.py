"""Catching up: the events of a conversation after a client's cursor, and pruning old ones.

A client that saw a conversation's events up to ``n`` asks for those after ``n`` the caller
may see (everyone's, and those kept to the caller; a former member's up to ``until_event``).
Events older than the kept days are pruned; a cursor before the oldest kept event less one
answers ``ResyncRequired`` (the client fetches the state afresh). A conversation that never
pruned keeps every event, so any cursor from 0 on is served.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alora_core.messaging.conversations import message_commands as c
from alora_core.messaging.conversations.errors import ResyncRequired
from alora_core.messaging.conversations.message_access import MessagesDeps, member_of
from alora_core.messaging.ports import MessagingUnitOfWork
from alora_core.shared.errors import Invalid


async def list_events(
    cmd: c.ListConversationEvents, uow: MessagingUnitOfWork, deps: MessagesDeps
) -> c.EventsPage:
    if cmd.after < 0:
        raise Invalid.field("after", "must be at least 0")
    if not 1 <= cmd.limit <= c.MAX_EVENTS:
        raise Invalid.field("limit", f"must be 1 to {c.MAX_EVENTS}")
    async with uow.reading():
        conversation, member = await member_of(uow, cmd.actor, cmd.conversation_id)
        latest = conversation.event_seq if member.until_event is None else member.until_event
        oldest = await uow.event_log.oldest_kept(conversation.id)
        first_kept = conversation.event_seq + 1 if oldest is None else oldest
        if cmd.after < min(first_kept - 1, latest):
            raise ResyncRequired(
                "the events after this cursor are no longer kept; fetch the conversation afresh"
            )
        events = await uow.event_log.after(
            conversation.id,
            cmd.after,
            user_id=member.user_id,
            up_to=latest,
            limit=cmd.limit + 1,
        )
    return c.EventsPage(
        events=events[: cmd.limit], event_seq=latest, has_more=len(events) > cmd.limit
    )


async def prune_events(
    cmd: c.PruneConversationEvents, uow: MessagingUnitOfWork, deps: MessagesDeps
) -> int:
    async with uow:
        pruned = await uow.event_log.prune(deps.clock.now() - cmd.kept)
        await uow.commit()
    return pruned


USE_CASES: dict[type, Callable[..., Any]] = {
    c.ListConversationEvents: list_events,
    c.PruneConversationEvents: prune_events,
}
