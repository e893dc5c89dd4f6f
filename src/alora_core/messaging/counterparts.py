"""Booking counterparts: users who are members together of a booking's conversation (a
customer and the professional they booked). With connections, they are one's contacts."""

from __future__ import annotations

import uuid
from typing import Protocol


class Counterparts(Protocol):
    async def of(self, user_id: uuid.UUID) -> set[uuid.UUID]:
        """The users who share a booking's conversation with ``user_id`` (as members, now or
        in the past)."""
        ...

    async def between(self, user_id: uuid.UUID, other_id: uuid.UUID) -> bool:
        """Whether the two share a booking's conversation."""
        ...
