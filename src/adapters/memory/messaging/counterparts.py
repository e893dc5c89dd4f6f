"""``Counterparts`` in memory."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from adapters.memory.messaging.conversations import CONVERSATIONS, MEMBERS
from alora_core.messaging.conversations.model import ConversationKind

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork


class MemoryCounterparts:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def of(self, user_id: uuid.UUID) -> set[uuid.UUID]:
        bookings = {
            conversation.id
            for conversation in self._uow.scan(
                CONVERSATIONS, lambda c: c.kind is ConversationKind.BOOKING
            )
        }
        mine = {
            member.conversation_id
            for member in self._uow.scan(
                MEMBERS, lambda m: m.user_id == user_id and m.conversation_id in bookings
            )
        }
        return {
            member.user_id
            for member in self._uow.scan(
                MEMBERS, lambda m: m.conversation_id in mine and m.user_id != user_id
            )
        }

    async def between(self, user_id: uuid.UUID, other_id: uuid.UUID) -> bool:
        return other_id in await self.of(user_id)
