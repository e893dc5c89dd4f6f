"""What users are told about connections: a new request to its recipient, an accepted one to
its sender, and an expired one to its sender; in-app only. Rejections, withdrawals, removals
and blocks are told to nobody: the other user finds them in their lists, and a block is never
told."""

from __future__ import annotations

from alora_core.messaging.connections import events
from alora_core.shared.notices import Notice, NoticeRule, NotificationType


def requested(event: events.ConnectionRequested) -> Notice:
    return Notice(
        recipient_id=event.recipient_id,
        type=NotificationType.INFO,
        title="New connection request",
        body=event.message or "Someone would like to connect with you.",
        link="/connections/requests",
        data={
            "kind": event.name,
            "requestId": str(event.request_id),
            "senderId": str(event.sender_id),
        },
    )


def accepted(event: events.ConnectionAccepted) -> Notice:
    return Notice(
        recipient_id=event.sender_id,
        type=NotificationType.SUCCESS,
        title="Connection request accepted",
        body="You are connected now; you can write to each other.",
        link="/connections",
        data={
            "kind": event.name,
            "requestId": str(event.request_id),
            "userId": str(event.recipient_id),
        },
    )


def expired(event: events.ConnectionExpired) -> Notice:
    return Notice(
        recipient_id=event.sender_id,
        type=NotificationType.INFO,
        title="Connection request expired",
        body="Your connection request was not answered in time. You may send another.",
        link="/connections/requests?direction=sent",
        data={
            "kind": event.name,
            "requestId": str(event.request_id),
            "userId": str(event.recipient_id),
        },
    )


def notice_rules() -> list[NoticeRule]:
    return [
        NoticeRule(events.ConnectionRequested, "notifications.connection_requested", requested),
        NoticeRule(events.ConnectionAccepted, "notifications.connection_accepted", accepted),
        NoticeRule(events.ConnectionExpired, "notifications.connection_expired", expired),
    ]
