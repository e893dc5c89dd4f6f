"""Direct conversations, the list of a user's conversations, one conversation, and muting.

A direct conversation is one per pair of users (the unique ``direct_pair``): two requests
opening it at once both commit an insert, the second fails on the constraint, and its retry
finds the conversation the first made. Group conversations are in ``groups``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from alora_core.messaging.conversations import commands as c
from alora_core.messaging.conversations import groups
from alora_core.messaging.conversations.conversation_access import (
    ConversationsDeps,
    check_limit,
    count,
    make_view,
    membership,
    reachable,
    read_view,
    record,
)
from alora_core.messaging.conversations.errors import UserNotFound
from alora_core.messaging.conversations.model import (
    Conversation,
    ConversationKind,
    Member,
    MemberRole,
    direct_pair,
)
from alora_core.messaging.conversations.queries import ActivityCursor, ConversationView
from alora_core.messaging.ports import MessagingUnitOfWork
from alora_core.shared.errors import Invalid
from alora_core.shared.pagination import MAX_PAGE_SIZE, CursorPage
from alora_core.shared.retry import retrying_on_stale


async def open_direct(
    cmd: c.OpenDirect, uow: MessagingUnitOfWork, deps: ConversationsDeps
) -> c.Opened:
    """Get or create the direct conversation of the actor and ``user_id``. Opening one with
    someone who is neither a connection nor a booking counterpart counts against the actor's
    ``new_direct_limit``."""
    user_id = cmd.actor.require_user_id()
    if cmd.user_id == user_id:
        raise Invalid.field("user_id", "you cannot open a conversation with yourself", "self")
    pair = direct_pair(user_id, cmd.user_id)
    key, limit = f"messaging:new-direct:{user_id}", deps.config.new_direct_limit

    async def attempt() -> tuple[Conversation, bool, bool]:
        async with uow:
            other = await uow.people.get(cmd.user_id)
            relationship = await uow.relationships.between(user_id, cmd.user_id)
            if other is None or not other.active or relationship.blocked:
                raise UserNotFound("no such user")
            existing = await uow.conversations.direct(pair)
            if existing is not None:
                return existing, False, False
            close = relationship.connected or await reachable(uow, user_id, [cmd.user_id])
            if not close:
                await check_limit(deps, key, limit, "new direct conversations")
            now = deps.clock.now()
            conversation = Conversation(
                kind=ConversationKind.DIRECT,
                created_at=now,
                last_activity_at=now,
                created_by=user_id,
                direct_pair=pair,
            )
            uow.conversations.add(conversation)
            members = [
                Member(
                    conversation_id=conversation.id,
                    user_id=member_id,
                    role=MemberRole.MEMBER,
                    joined_at=now,
                )
                for member_id in sorted((user_id, cmd.user_id))
            ]
            for member in members:
                uow.members.add(member)
            await record(uow, deps, conversation, members, "created", now)
            await uow.commit()
        return conversation, True, not close

    conversation, created, stranger = await retrying_on_stale(attempt)
    if stranger:
        await count(deps, key, limit)
    return c.Opened(view=await read_view(uow, deps, user_id, conversation.id), created=created)


async def list_conversations(
    cmd: c.ListConversations, uow: MessagingUnitOfWork, deps: ConversationsDeps
) -> CursorPage[ConversationView]:
    """The actor's conversations, current and left, by last activity (newest first)."""
    if not 1 <= cmd.limit <= MAX_PAGE_SIZE:
        raise Invalid.field("limit", f"must be 1 to {MAX_PAGE_SIZE}")
    after = None if cmd.cursor is None else ActivityCursor.decode(cmd.cursor)
    user_id = cmd.actor.require_user_id()
    async with uow.reading():
        found = await uow.conversations.summaries(user_id, after=after, limit=cmd.limit + 1)
        page = found[: cmd.limit]
        members = await uow.members.of_many([s.conversation.id for s in page])
        people = await uow.people.get_many({m.user_id for ms in members.values() for m in ms})
    views = [make_view(deps, s, members[s.conversation.id], people) for s in page]
    last = page[-1] if page else None
    more = len(found) > cmd.limit and last is not None
    cursor = ActivityCursor(last.activity, last.conversation.id).encode() if more and last else None
    return CursorPage(items=views, next_cursor=cursor)


async def get_conversation(
    cmd: c.GetConversation, uow: MessagingUnitOfWork, deps: ConversationsDeps
) -> ConversationView:
    return await read_view(uow, deps, cmd.actor.require_user_id(), cmd.conversation_id)


async def mute_conversation(
    cmd: c.MuteConversation, uow: MessagingUnitOfWork, deps: ConversationsDeps
) -> ConversationView:
    user_id = cmd.actor.require_user_id()
    until = cmd.until
    if until is not None:
        if until.tzinfo is None or until.utcoffset() is None:
            raise Invalid.field("until", "must carry a time zone offset")
        if until <= deps.clock.now():
            raise Invalid.field("until", "must be in the future")

    async def attempt() -> None:
        async with uow:
            _, member = await membership(uow, user_id, cmd.conversation_id)
            member.muted_until = until
            member.muted_forever = until is None
            await uow.commit()

    await retrying_on_stale(attempt)
    return await read_view(uow, deps, user_id, cmd.conversation_id)


async def unmute_conversation(
    cmd: c.UnmuteConversation, uow: MessagingUnitOfWork, deps: ConversationsDeps
) -> ConversationView:
    user_id = cmd.actor.require_user_id()

    async def attempt() -> None:
        async with uow:
            _, member = await membership(uow, user_id, cmd.conversation_id)
            member.muted_until = None
            member.muted_forever = False
            await uow.commit()

    await retrying_on_stale(attempt)
    return await read_view(uow, deps, user_id, cmd.conversation_id)


USE_CASES: dict[type, Callable[..., Any]] = {
    c.OpenDirect: open_direct,
    c.ListConversations: list_conversations,
    c.GetConversation: get_conversation,
    c.MuteConversation: mute_conversation,
    c.UnmuteConversation: unmute_conversation,
    **groups.USE_CASES,
}


def command_handlers(deps: ConversationsDeps) -> dict[type, Callable[..., Any]]:
    """Each conversations command bound to its use case and the part's dependencies."""
    return {command: partial(use_case, deps=deps) for command, use_case in USE_CASES.items()}
