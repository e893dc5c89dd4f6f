"""What the notifications context needs from the outside world."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from alora_core.notifications.model import NewNotification, Notification, Recipient
from alora_core.shared.uow import UnitOfWork


class Notifications(Protocol):
    async def add(self, notification: Notification) -> None: ...

    async def add_many(self, new: Sequence[NewNotification]) -> None:
        """Add these new notifications all at once (one statement in SQL, no aggregate per
        row); their ``created()`` events are committed with them, like an added aggregate's."""
        ...

    async def get(self, notification_id: uuid.UUID) -> Notification | None: ...

    async def get_for_update(self, notification_id: uuid.UUID) -> Notification | None:
        """The notification, locked until commit (its email is sent once)."""
        ...

    async def page(
        self, recipient_id: uuid.UUID, *, before: uuid.UUID | None, limit: int, unread_only: bool
    ) -> list[Notification]:
        """At most ``limit`` of the recipient's notifications, newest (highest id) first, with
        ids below ``before`` when it is given."""
        ...

    async def count_unread(self, recipient_id: uuid.UUID) -> int: ...

    async def unread_of_key(self, recipient_id: uuid.UUID, key: str) -> Notification | None:
        """The recipient's unread notification of this collapse key (at most one is), locked
        until commit."""
        ...

    async def mark_all_read(self, recipient_id: uuid.UUID, now: datetime) -> list[uuid.UUID]:
        """Mark every unread notification of the recipient read, in one statement; their ids.

        Aggregates this unit of work loaded before do not see the change."""
        ...

    async def delete(self, notification: Notification) -> None: ...

    async def due_emails(self, now: datetime, limit: int) -> list[Notification]:
        """Notifications whose email is due and not sent, oldest due first, locked until commit.

        Rows another transaction has locked are skipped (where the database can), so
        concurrent senders share the work instead of sending twice."""
        ...


class Recipients(Protocol):
    async def get(self, user_id: uuid.UUID) -> Recipient | None:
        """The user as a recipient; None when there is no such user."""
        ...

    async def existing(self, user_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Those of ``user_ids`` that are users (a few queries, not one per user)."""
        ...


class NotificationsUnitOfWork(UnitOfWork, Protocol):
    @property
    def notifications(self) -> Notifications: ...

    @property
    def recipients(self) -> Recipients: ...
