"""What the conversation use cases share: their dependencies, who may open a conversation with
whom, a member's view, and recording a ``conversation.updated`` change.

A user may talk with another (open a direct conversation, add them to a group) when neither
blocked the other, the other's account is active, and they are connected, or share a booking's
conversation, or the other allows direct messages from anyone. A blocked, suspended or unknown
user is the same ``UserNotFound``: a block is never told.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from attrs import Factory, field, frozen

from alora_core.messaging.conversations.changes import record_change
from alora_core.messaging.conversations.conversations_wire import conversation_data
from alora_core.messaging.conversations.errors import (
    CannotMessage,
    ConversationNotFound,
    UserNotFound,
)
from alora_core.messaging.conversations.model import MAX_TITLE, Conversation, Member
from alora_core.messaging.conversations.queries import ConversationSummary, ConversationView
from alora_core.messaging.people import Person
from alora_core.messaging.ports import MessagingUnitOfWork
from alora_core.shared.clock import Clock
from alora_core.shared.errors import Invalid, RateLimited
from alora_core.shared.ratelimit import Limit, RateLimiter
from alora_core.shared.text import has_control_characters

_DAY = timedelta(days=1)


@frozen(kw_only=True)
class ConversationsConfig:
    max_group_members: int = 100
    """Members one group may have, its owner included."""
    groups_limit: Limit = field(factory=lambda: Limit(20, _DAY))
    """Groups one user may create per window."""
    new_direct_limit: Limit = field(factory=lambda: Limit(50, _DAY))
    """Direct conversations one user may open per window with people who are neither
    connections nor booking counterparts."""
    booking_chat_open: timedelta = timedelta(hours=72)
    """How long a booking's conversation stays writable once the booking closed."""


@frozen(kw_only=True)
class ConversationsDeps:
    clock: Clock
    limiter: RateLimiter
    config: ConversationsConfig = Factory(ConversationsConfig)


def check_title(title: str) -> str:
    text = title.strip()
    if not text:
        raise Invalid.field("title", "is required", "required")
    if len(text) > MAX_TITLE:
        raise Invalid.field("title", f"must have at most {MAX_TITLE} characters")
    if has_control_characters(text):
        raise Invalid.field("title", "must not hold control characters or bidi controls")
    return text


async def check_limit(deps: ConversationsDeps, key: str, limit: Limit, what: str) -> None:
    """``RateLimited`` when ``key`` used up its ``limit``. Counted only once a creation
    committed (``count``): requests racing to open one conversation count as one."""
    wait = await deps.limiter.retry_after(key, limit)
    if wait is not None:
        raise RateLimited(f"too many {what}; try again later", wait)


async def count(deps: ConversationsDeps, key: str, limit: Limit) -> None:
    await deps.limiter.hit(key, limit)


async def reachable(
    uow: MessagingUnitOfWork, user_id: uuid.UUID, others: Collection[uuid.UUID]
) -> set[uuid.UUID]:
    """Those of ``others`` the user may talk with, and who are connections or booking
    counterparts (the others of the first kind allow direct messages from anyone).
    ``UserNotFound`` when one is unknown, suspended or blocked either way; ``CannotMessage``
    when one accepts direct messages only from connections and booking counterparts."""
    people = await uow.people.get_many(others)
    blocked = await uow.relationships.blocked_ids(user_id)
    for other_id in others:
        person = people.get(other_id)
        if person is None or not person.active or other_id in blocked:
            raise UserNotFound(f"no such user: {other_id}")
    close = (await uow.relationships.connection_ids(user_id)) & set(others)
    close |= await uow.conversations.booking_counterparts(user_id, set(others) - close)
    for other_id in set(others) - close:
        if not people[other_id].allow_direct_messages:
            raise CannotMessage(
                f"user {other_id} accepts messages only from connections and booking counterparts",
                CannotMessage.NOT_ALLOWED,
            )
    return close


async def membership(
    uow: MessagingUnitOfWork, user_id: uuid.UUID, conversation_id: uuid.UUID, *, lock: bool = False
) -> tuple[Conversation, Member]:
    """The conversation and the user's membership (current or past); ``ConversationNotFound``
    for anyone who never was a member."""
    conversation = await uow.conversations.get(conversation_id, lock=lock)
    member = None if conversation is None else await uow.members.get(conversation_id, user_id)
    if conversation is None or member is None:
        raise ConversationNotFound("no such conversation")
    return conversation, member


async def record(
    uow: MessagingUnitOfWork,
    deps: ConversationsDeps,
    conversation: Conversation,
    members: Sequence[Member],
    change: str,
    now: datetime,
) -> int:
    """Record a ``conversation.updated`` change of kind ``change``; its event seq, which the
    conversation's JSON in it carries as ``eventSeq`` (the state after the change)."""
    data = conversation_data(conversation, members, booking_chat_open=deps.config.booking_chat_open)
    data["eventSeq"] = conversation.event_seq + 1
    event = await record_change(
        uow,
        conversation,
        members,
        "conversation.updated",
        {"change": change, "conversation": data},
        now,
    )
    return event.seq


async def view_of(
    uow: MessagingUnitOfWork,
    deps: ConversationsDeps,
    user_id: uuid.UUID,
    conversation_id: uuid.UUID,
) -> ConversationView:
    """The conversation as the user sees it (open ``uow`` for reading first)."""
    found = await uow.conversations.summaries(user_id, conversation_id=conversation_id)
    if not found:
        raise ConversationNotFound("no such conversation")
    members = await uow.members.of(conversation_id)
    people = await uow.people.get_many([m.user_id for m in members])
    return make_view(deps, found[0], members, people)


def make_view(
    deps: ConversationsDeps,
    summary: ConversationSummary,
    members: Sequence[Member],
    people: dict[uuid.UUID, Person],
) -> ConversationView:
    return ConversationView.of(
        summary,
        members,
        people,
        now=deps.clock.now(),
        booking_chat_open=deps.config.booking_chat_open,
    )


async def read_view(
    uow: MessagingUnitOfWork,
    deps: ConversationsDeps,
    user_id: uuid.UUID,
    conversation_id: uuid.UUID,
) -> ConversationView:
    async with uow.reading():
        return await view_of(uow, deps, user_id, conversation_id)
