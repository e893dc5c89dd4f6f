"""The booking conversation's use case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from attrs import frozen

from alora_core.messaging.booking_chats.commands import (
    BookingConversation,
    GetBookingConversation,
)
from alora_core.messaging.booking_chats.rules import read_only_after
from alora_core.messaging.conversations.errors import ConversationNotFound
from alora_core.messaging.ports import MessagingUnitOfWork
from alora_core.shared.clock import Clock


@frozen(kw_only=True)
class BookingChatsDeps:
    clock: Clock
    open_for: timedelta
    """How long a booking's conversation stays writable once the booking closed."""


async def get_booking_conversation(
    cmd: GetBookingConversation, uow: MessagingUnitOfWork, deps: BookingChatsDeps
) -> BookingConversation:
    """For either party (a member, current or past); anyone else, like an unknown booking or
    one whose conversation is not opened yet, gets ``ConversationNotFound``."""
    user_id = cmd.actor.require_user_id()
    async with uow.reading():
        conversation = await uow.conversations.of_booking(cmd.booking_id)
        if conversation is None or await uow.members.get(conversation.id, user_id) is None:
            raise ConversationNotFound("no such conversation")
        members = await uow.members.of(conversation.id)
    return BookingConversation(
        conversation=conversation,
        members=members,
        read_only_after=read_only_after(conversation, deps.open_for),
    )


def command_handlers(deps: BookingChatsDeps) -> dict[type, Callable[..., Any]]:
    return {GetBookingConversation: partial(get_booking_conversation, deps=deps)}
