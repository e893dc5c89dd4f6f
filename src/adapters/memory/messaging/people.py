"""Messaging's ``People`` in memory: identity's users, for their public fields and settings."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import TYPE_CHECKING

from alora_core.identity.model import Role, User, Visibility
from alora_core.messaging.people import Person

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork


class MemoryPeople:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def get(self, user_id: uuid.UUID) -> Person | None:
        return (await self.get_many([user_id])).get(user_id)

    async def get_many(self, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Person]:
        people = {}
        for user_id in set(user_ids):
            user: User | None = self._uow.load("users", user_id)
            if user is not None:
                people[user_id] = _person(user)
        return people


def _person(user: User) -> Person:
    settings = user.settings
    return Person(
        id=user.id,
        full_name=user.full_name,
        username=user.username,
        avatar_file_id=user.avatar_file_id,
        is_admin=user.role is Role.ADMIN,
        active=not user.suspended,
        private=settings.profile_visibility is Visibility.PRIVATE,
        allow_direct_messages=settings.allow_direct_messages,
        show_read_receipts=settings.show_read_receipts,
    )
