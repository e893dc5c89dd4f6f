"""Notifications' response bodies and query parameters: camelCase on the wire."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from litestar.params import PathParameter, QueryParameter
from msgspec import Meta

from alora_core.notifications.commands import MAX_ANNOUNCEMENT_RECIPIENTS
from alora_core.notifications.model import Notification, NotificationType
from alora_core.shared.pagination import MAX_PAGE_SIZE, CursorPage
from entrypoints.http import examples
from entrypoints.http.schemas import RequestSchema, ResponseSchema

NotificationIdPath = Annotated[
    str,
    PathParameter(
        format="uuid",
        description="The notification's id, a UUID; anything else answers 404, as does "
        "another user's notification.",
    ),
]
Cursor = Annotated[
    str | None,
    QueryParameter(
        max_length=64,
        description="The `nextCursor` of the page before; leave it out for the first page.",
    ),
]
Limit = Annotated[
    int, QueryParameter(ge=1, le=MAX_PAGE_SIZE, description="Notifications per page.")
]
UnreadOnly = Annotated[bool, QueryParameter(description="Only the unread notifications.")]


class NotificationResponse(ResponseSchema):
    """One notification, as lists show it and as the `notification.created` push carries it."""

    id: uuid.UUID
    type: NotificationType
    title: Annotated[str, Meta(examples=["Your booking is confirmed"])]
    body: str
    link: Annotated[
        str | None,
        Meta(description="A path inside the product or an http(s) URL.", examples=["/bookings"]),
    ]
    data: Annotated[dict[str, Any], Meta(description="Free JSON for clients.")]
    read: bool
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def of(cls, notification: Notification) -> NotificationResponse:
        return cls(
            id=notification.id,
            type=notification.type,
            title=notification.title,
            body=notification.body,
            link=notification.link,
            data=dict(notification.data),
            read=notification.read_at is not None,
            created_at=notification.created_at.astimezone(UTC),
            read_at=None if notification.read_at is None else notification.read_at.astimezone(UTC),
        )


class NotificationPage(ResponseSchema):
    """Newest first. ``nextCursor`` is null on the last page."""

    items: list[NotificationResponse]
    next_cursor: str | None

    @classmethod
    def of(cls, page: CursorPage[Notification]) -> NotificationPage:
        return cls(
            items=[NotificationResponse.of(item) for item in page.items],
            next_cursor=page.next_cursor,
        )


class UnreadCountResponse(ResponseSchema):
    count: int


class ReadAllResponse(ResponseSchema):
    count: Annotated[int, Meta(description="How many notifications were unread until now.")]


class AnnouncementRequest(RequestSchema):
    example = examples.ANNOUNCEMENT
    recipient_ids: Annotated[
        list[uuid.UUID],
        Meta(
            min_length=1,
            max_length=MAX_ANNOUNCEMENT_RECIPIENTS,
            description="Who receives it (UUIDs; unknown users are skipped).",
        ),
    ]
    type: NotificationType
    title: Annotated[str, Meta(max_length=200)]
    body: Annotated[str, Meta(max_length=2000)]
    link: Annotated[str, Meta(max_length=2000)] | None = None
    data: dict[str, Any] = msgspec.field(default_factory=dict)


class AnnouncementResponse(ResponseSchema):
    created: int
    """Notifications stored: one per recipient that exists."""
