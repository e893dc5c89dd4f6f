"""Notifications over HTTP: list, count, mark read and delete the signed-in user's own."""

from entrypoints.http.notifications.routes import NotificationsController

ROUTE_HANDLERS = [NotificationsController]

__all__ = ["ROUTE_HANDLERS", "NotificationsController"]
