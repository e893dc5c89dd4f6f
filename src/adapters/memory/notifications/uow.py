"""Notifications' unit of work in memory."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.memory.notifications.repositories import MemoryNotifications, MemoryRecipients
from adapters.memory.store import Reference, TableSpec
from adapters.memory.uow import MemoryUnitOfWork
from adapters.repository import repository

if TYPE_CHECKING:
    from alora_core.notifications.ports import NotificationsUnitOfWork


class MemoryNotificationsUnitOfWork(MemoryUnitOfWork):
    tables = (TableSpec("notifications", references=(Reference("recipient_id", "users"),)),)

    notifications = repository(MemoryNotifications)
    recipients = repository(MemoryRecipients)


if TYPE_CHECKING:

    def _conforms(uow: MemoryNotificationsUnitOfWork) -> NotificationsUnitOfWork:
        return uow
