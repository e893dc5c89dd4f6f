"""Notifications: stored, pushed in real time, emailed as each user's settings allow.

Importable from here: the commands, and the models the commands return.
"""

from alora_core.notifications.commands import (
    Announce,
    CountUnread,
    DeleteNotification,
    ListNotifications,
    MarkAllRead,
    MarkRead,
    Notify,
    SendHeldEmails,
)
from alora_core.notifications.model import EmailKind, Notification
from alora_core.shared.notices import NotificationType

__all__ = [
    "Announce",
    "CountUnread",
    "DeleteNotification",
    "EmailKind",
    "ListNotifications",
    "MarkAllRead",
    "MarkRead",
    "Notification",
    "NotificationType",
    "Notify",
    "SendHeldEmails",
]
