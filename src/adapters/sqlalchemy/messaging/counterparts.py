"""``Counterparts`` in SQL: the users a user is a member together with of a booking's
conversation (past members included)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import exists, select

from adapters.sqlalchemy.messaging.conversation_tables import (
    conversations_table,
    members_table,
)
from alora_core.messaging.conversations.model import ConversationKind

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

_mine = members_table.alias("mine")
_theirs = members_table.alias("theirs")
_c = conversations_table.c
_TOGETHER = _mine.join(_theirs, _theirs.c.conversation_id == _mine.c.conversation_id).join(
    conversations_table, _c.id == _mine.c.conversation_id
)


class SqlCounterparts:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def of(self, user_id: uuid.UUID) -> set[uuid.UUID]:
        statement = (
            select(_theirs.c.user_id)
            .distinct()
            .select_from(_TOGETHER)
            .where(
                _mine.c.user_id == user_id,
                _theirs.c.user_id != user_id,
                _c.kind == ConversationKind.BOOKING,
            )
        )
        return set(await self._uow.scalars(statement))

    async def between(self, user_id: uuid.UUID, other_id: uuid.UUID) -> bool:
        if user_id == other_id:
            return False
        together = (
            select(_mine.c.id)
            .select_from(_TOGETHER)
            .where(
                _mine.c.user_id == user_id,
                _theirs.c.user_id == other_id,
                _c.kind == ConversationKind.BOOKING,
            )
        )
        return bool(await self._uow.scalar(select(exists(together))))
