"""What the message use cases share: their dependencies, who may see and write what, and the
checks of a message's body.

A member sees every message of the conversation while active; one who left or was removed
sees those up to ``until_seq``. Anyone else is told the conversation (or message) does not
exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from attrs import Factory, field, frozen

from alora_core.messaging.conversations.errors import (
    CannotMessage,
    ConversationNotFound,
    MessageNotFound,
)
from alora_core.messaging.conversations.model import (
    MAX_BODY,
    Conversation,
    ConversationKind,
    Member,
    Message,
)
from alora_core.messaging.conversations.queries import SendingState
from alora_core.messaging.ports import MessagingUnitOfWork
from alora_core.shared.actor import Actor
from alora_core.shared.clock import Clock
from alora_core.shared.errors import Invalid, RateLimited
from alora_core.shared.presence import Presence
from alora_core.shared.ratelimit import Limit, RateLimiter
from alora_core.shared.text import has_control_characters


@frozen(kw_only=True)
class MessagesConfig:
    messages_limit: Limit = field(factory=lambda: Limit(120, timedelta(minutes=1)))
    """Messages one user may send per window, over all conversations."""
    reports_limit: Limit = field(factory=lambda: Limit(50, timedelta(days=1)))
    """Reports one user may make per window."""
    edit_window: timedelta = timedelta(minutes=15)
    booking_chat_open: timedelta = timedelta(hours=72)
    """How long a booking's conversation stays writable once the booking closed."""


@frozen(kw_only=True)
class MessagesDeps:
    clock: Clock
    limiter: RateLimiter
    config: MessagesConfig = Factory(MessagesConfig)
    presence: Presence | None = None
    """Who has a live socket: members who do are not told of a message by notification."""


def sees(member: Member, seq: int) -> bool:
    return member.until_seq is None or seq <= member.until_seq


async def member_of(
    uow: MessagingUnitOfWork, actor: Actor, conversation_id: uuid.UUID, *, lock: bool = False
) -> tuple[Conversation, Member]:
    """The conversation and the actor's membership (current or past)."""
    user_id = actor.require_user_id()
    conversation = await uow.conversations.get(conversation_id, lock=lock)
    member = None if conversation is None else await uow.members.get(conversation_id, user_id)
    if conversation is None or member is None:
        raise ConversationNotFound("no such conversation")
    return conversation, member


async def sending_state(
    uow: MessagingUnitOfWork, user_id: uuid.UUID, conversation_id: uuid.UUID, client_id: str
) -> tuple[SendingState, Member]:
    """What a message of the user with ``client_id`` is checked against, and the user's
    membership (current or past)."""
    state = await uow.conversations.for_sending(conversation_id, user_id, client_id)
    member = None
    if state is not None:
        member = next((m for m in state.members if m.user_id == user_id), None)
    if state is None or member is None:
        raise ConversationNotFound("no such conversation")
    return state, member


def check_may_send(deps: MessagesDeps, state: SendingState, member: Member, now: datetime) -> None:
    """``check_may_write`` on what ``sending_state`` read."""
    check_member_may_write(deps, state.conversation, member, now)
    if state.conversation.kind is not ConversationKind.GROUP and any(
        m.active and m.user_id in state.blocked for m in state.members
    ):
        raise CannotMessage("you cannot write to this user", CannotMessage.NOT_ALLOWED)


async def visible_message(
    uow: MessagingUnitOfWork, actor: Actor, message_id: uuid.UUID, *, lock: bool = False
) -> tuple[Conversation, Member, Message]:
    """The message with its conversation (locked with ``lock``) and the actor's membership,
    when the actor may see it."""
    message = await uow.messages.get(message_id)
    if message is None:
        raise MessageNotFound("no such message")
    try:
        conversation, member = await member_of(uow, actor, message.conversation_id, lock=lock)
    except ConversationNotFound:
        raise MessageNotFound("no such message") from None
    if not sees(member, message.seq):
        raise MessageNotFound("no such message")
    return conversation, member, message


async def check_may_write(
    uow: MessagingUnitOfWork,
    deps: MessagesDeps,
    conversation: Conversation,
    member: Member,
    members: Sequence[Member],
    now: datetime,
) -> None:
    """``CannotMessage`` unless the member may write in the conversation now: active, the
    booking (if any) not closed too long ago (``check_member_may_write``), and in a direct or
    booking conversation neither having blocked the other."""
    check_member_may_write(deps, conversation, member, now)
    if conversation.kind is not ConversationKind.GROUP:
        for other in members:
            if other.user_id == member.user_id or not other.active:
                continue
            if (await uow.relationships.between(member.user_id, other.user_id)).blocked:
                raise CannotMessage("you cannot write to this user", CannotMessage.NOT_ALLOWED)


def check_member_may_write(
    deps: MessagesDeps, conversation: Conversation, member: Member, now: datetime
) -> None:
    """``CannotMessage`` unless the member is active and the conversation's booking (if any)
    did not close too long ago."""
    if not member.active:
        raise CannotMessage("you are no longer a member of this conversation", CannotMessage.LEFT)
    closed = conversation.booking_closed_at
    if (
        conversation.kind is ConversationKind.BOOKING
        and closed is not None
        and now - closed > deps.config.booking_chat_open
    ):
        raise CannotMessage(
            "the booking closed: this conversation is read-only", CannotMessage.READ_ONLY
        )


def check_body(body: str) -> str:
    """The body trimmed; ``Invalid`` unless it has 1 to ``MAX_BODY`` characters and no control
    characters but line breaks and tabs."""
    text = body.strip()
    if not text:
        raise Invalid.field("body", "is required", "required")
    if len(text) > MAX_BODY:
        raise Invalid.field("body", f"must have at most {MAX_BODY} characters")
    if has_control_characters(text, "\n\t"):
        raise Invalid.field("body", "must not hold control characters or bidi controls")
    return text


async def within_limit(deps: MessagesDeps, key: str, limit: Limit, what: str) -> None:
    wait = await deps.limiter.hit(key, limit)
    if wait is not None:
        raise RateLimited(f"too many {what}; try again later", wait)
