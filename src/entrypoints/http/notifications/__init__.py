"""Notifications over HTTP: list, count, mark read and delete the signed-in user's own."""

from entrypoints.http.notifications.routes import AnnouncementsController, NotificationsController

ROUTE_HANDLERS = [NotificationsController, AnnouncementsController]

__all__ = ["ROUTE_HANDLERS", "AnnouncementsController", "NotificationsController"]
