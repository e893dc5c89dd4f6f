"""Notifications' unit of work in SQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.repository import repository
from adapters.sqlalchemy.notifications.repositories import SqlNotifications, SqlRecipients
from adapters.sqlalchemy.uow import SqlUnitOfWork

if TYPE_CHECKING:
    from alora_core.notifications.ports import NotificationsUnitOfWork


class SqlNotificationsUnitOfWork(SqlUnitOfWork):
    notifications = repository(SqlNotifications)
    recipients = repository(SqlRecipients)


if TYPE_CHECKING:

    def _conforms(uow: SqlNotificationsUnitOfWork) -> NotificationsUnitOfWork:
        return uow
