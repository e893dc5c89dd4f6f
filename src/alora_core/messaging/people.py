"""The users messaging shows and checks: their public fields and the settings that decide who
may write to them, read from identity's records through the ``People`` port."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Protocol

from attrs import frozen


@frozen(kw_only=True)
class Person:
    id: uuid.UUID
    full_name: str
    username: str
    avatar_file_id: uuid.UUID | None
    is_admin: bool
    active: bool
    """Neither suspended nor deleted: someone who can be written to."""
    private: bool
    """Their profile is private: they show to others only where they already talk."""
    allow_direct_messages: bool
    """Anyone who is not blocked may open a direct conversation with them."""
    show_read_receipts: bool
    """Others in their group conversations see how far they read."""


class People(Protocol):
    async def get(self, user_id: uuid.UUID) -> Person | None:
        """The user, None when there is no such user (deleted ones are gone)."""
        ...

    async def get_many(self, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Person]:
        """The users among ``user_ids`` that exist, by id, in one read."""
        ...
