"""The booking conversation's use case."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from alora_core.messaging.booking_chats.commands import GetBookingConversation
from alora_core.messaging.conversations.conversation_access import ConversationsDeps, view_of
from alora_core.messaging.conversations.errors import ConversationNotFound
from alora_core.messaging.conversations.queries import ConversationView
from alora_core.messaging.ports import MessagingUnitOfWork


async def get_booking_conversation(
    cmd: GetBookingConversation, uow: MessagingUnitOfWork, deps: ConversationsDeps
) -> ConversationView:
    """For either party (a member, current or past); anyone else, like an unknown booking or
    one whose conversation is not opened yet, gets ``ConversationNotFound``."""
    user_id = cmd.actor.require_user_id()
    async with uow.reading():
        conversation = await uow.conversations.of_booking(cmd.booking_id)
        if conversation is None:
            raise ConversationNotFound("no such conversation")
        return await view_of(uow, deps, user_id, conversation.id)


def command_handlers(deps: ConversationsDeps) -> dict[type, Callable[..., Any]]:
    return {GetBookingConversation: partial(get_booking_conversation, deps=deps)}
