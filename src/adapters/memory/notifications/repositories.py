"""Notifications and recipients in memory, through a ``MemoryUnitOfWork``.

Mirrors ``adapters.sqlalchemy.notifications.repositories``: the same filters and order (newest
id first).
Memory commits are atomic, so ``get_for_update`` and ``due_emails`` lock nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from adapters.recipients import recipient_from
from alora_core.identity.model import User
from alora_core.notifications.model import NewNotification, Notification, Recipient

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork

TABLE = "notifications"


class MemoryNotifications:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, notification: Notification) -> None:
        self._uow.add(TABLE, notification)

    async def add_many(self, new: Sequence[NewNotification]) -> None:
        for notification in new:
            self._uow.add(TABLE, Notification.of(notification))

    async def get(self, notification_id: uuid.UUID) -> Notification | None:
        notification: Notification | None = self._uow.load(TABLE, notification_id)
        return notification

    async def get_for_update(self, notification_id: uuid.UUID) -> Notification | None:
        return await self.get(notification_id)

    async def page(
        self, recipient_id: uuid.UUID, *, before: uuid.UUID | None, limit: int, unread_only: bool
    ) -> list[Notification]:
        def matches(n: Notification) -> bool:
            return (
                n.recipient_id == recipient_id
                and (before is None or n.id < before)
                and not (unread_only and n.read_at is not None)
            )

        return sorted(self._uow.scan(TABLE, matches), key=lambda n: n.id, reverse=True)[:limit]

    async def count_unread(self, recipient_id: uuid.UUID) -> int:
        return sum(1 for _ in self._uow.scan(TABLE, _unread_of(recipient_id)))

    async def unread_of_key(self, recipient_id: uuid.UUID, key: str) -> Notification | None:
        unread = _unread_of(recipient_id)
        return next(
            iter(self._uow.scan(TABLE, lambda n: unread(n) and n.collapse_key == key)), None
        )

    async def mark_all_read(self, recipient_id: uuid.UUID, now: datetime) -> list[uuid.UUID]:
        """Like the SQL ``UPDATE``: no version check, and it lands on commit."""
        ids = [n.id for n in self._uow.scan(TABLE, _unread_of(recipient_id))]
        rows = self._uow.store.rows("notifications")

        def write() -> None:
            for notification_id in ids:
                stored = rows.get(notification_id)
                if stored is not None and stored.read_at is None:
                    stored.read_at = now
                    stored.version += 1

        self._uow.on_commit(write)
        return ids

    async def delete(self, notification: Notification) -> None:
        self._uow.delete(TABLE, notification)

    async def due_emails(self, now: datetime, limit: int) -> list[Notification]:
        due = self._uow.scan(TABLE, lambda n: n.email_is_due(now))
        return sorted(due, key=lambda n: (n.email_due_at, n.id))[:limit]


def _unread_of(recipient_id: uuid.UUID) -> Callable[[Notification], bool]:
    return lambda n: n.recipient_id == recipient_id and n.read_at is None


class MemoryRecipients:
    """Recipients read from the users the store holds."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def get(self, user_id: uuid.UUID) -> Recipient | None:
        user: User | None = self._uow.load("users", user_id)
        if user is None:
            return None
        return recipient_from(user.id, user.email, user.full_name, user.settings)

    async def existing(self, user_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        return {user_id for user_id in user_ids if self._uow.load("users", user_id) is not None}
