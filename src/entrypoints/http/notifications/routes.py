"""``/api/v1/notifications``: the signed-in user's notifications. Only they see and touch them:
another user's notification answers 404, like one that does not exist."""

from __future__ import annotations

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from alora_core.notifications import commands as c
from alora_core.shared.actor import Actor
from entrypoints.bootstrap import Alora
from entrypoints.http.base import BEARER_SECURITY, problem_responses
from entrypoints.http.notifications.schemas import (
    AnnouncementRequest,
    AnnouncementResponse,
    Cursor,
    Limit,
    NotificationIdPath,
    NotificationPage,
    NotificationResponse,
    ReadAllResponse,
    UnreadCountResponse,
    UnreadOnly,
)
from entrypoints.http.params import path_id


class NotificationsController(Controller):
    path = "/api/v1/notifications"
    tags = ["notifications"]
    security = BEARER_SECURITY

    @get(
        "/",
        summary="The signed-in user's notifications",
        description="Newest first, a page at a time: pass the `nextCursor` of a page as "
        "`cursor` to get the next one (it is null on the last page). `unread=true` lists "
        "only the unread ones. New notifications also arrive on the WebSocket as "
        "`notification.created`, in the same shape as the items here.",
        responses=problem_responses(401, 422),
    )
    async def list_notifications(
        self,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        cursor: Cursor = None,
        limit: Limit = 20,
        unread: UnreadOnly = False,
    ) -> NotificationPage:
        page = await alora.bus.handle(
            c.ListNotifications(actor=actor, cursor=cursor, limit=limit, unread_only=unread)
        )
        return NotificationPage.of(page)

    @get(
        "/unread-count",
        summary="How many of the signed-in user's notifications are unread",
        description="For a badge: the count only, cheap to poll (the WebSocket also pushes new "
        "notifications).",
        responses=problem_responses(401),
    )
    async def unread_count(
        self, actor: NamedDependency[Actor], alora: NamedDependency[Alora]
    ) -> UnreadCountResponse:
        count = await alora.bus.handle(c.CountUnread(actor=actor))
        return UnreadCountResponse(count=count)

    @post(
        "/read-all",
        status_code=200,
        summary="Mark every notification read",
        description="Other sessions of the user hear of it on the WebSocket as "
        "`notification.read` with `all: true`.",
        responses=problem_responses(401, 403),
    )
    async def read_all(
        self, actor: NamedDependency[Actor], alora: NamedDependency[Alora]
    ) -> ReadAllResponse:
        count = await alora.bus.handle(c.MarkAllRead(actor=actor))
        return ReadAllResponse(count=count)

    @post(
        "/{notification_id:str}/read",
        status_code=200,
        summary="Mark a notification read",
        description="Marking a read notification again changes nothing. Other sessions of the "
        "user hear of it on the WebSocket as `notification.read`.",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def read(
        self,
        notification_id: NotificationIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> NotificationResponse:
        notification = await alora.bus.handle(
            c.MarkRead(
                actor=actor,
                notification_id=path_id(notification_id, "notification"),
            )
        )
        return NotificationResponse.of(notification)

    @delete(
        "/{notification_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a notification",
        description="The signed-in user's own notification; another user's answers 404, as an "
        "unknown one does.",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def delete_notification(
        self,
        notification_id: NotificationIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> None:
        await alora.bus.handle(
            c.DeleteNotification(
                actor=actor,
                notification_id=path_id(notification_id, "notification"),
            )
        )


class AnnouncementsController(Controller):
    path = "/api/v1/admin/notifications"
    tags = ["admin"]
    security = BEARER_SECURITY

    @post(
        "/",
        summary="Notify many users at once",
        description="An administrator's announcement: one notification per recipient (up to "
        "1,000), stored and pushed to their open sockets; never emailed. Unknown users are "
        "skipped. Audited.",
        status_code=HTTP_202_ACCEPTED,
        responses=problem_responses(400, 401, 403, 422),
    )
    async def announce(
        self,
        data: JSONBody[AnnouncementRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> AnnouncementResponse:
        created = await alora.bus.handle(
            c.Announce(
                actor=actor,
                recipient_ids=data.recipient_ids,
                type=data.type,
                title=data.title,
                body=data.body,
                link=data.link,
                data=data.data,
            )
        )
        return AnnouncementResponse(created=created)
