"""A conversation as clients get it in ``conversation.updated`` events (pushed and replayed) and
in the HTTP answers: camelCase JSON, times in ISO-8601 UTC with ``Z``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from alora_core.messaging.conversations.messages_wire import wire_time
from alora_core.messaging.conversations.model import Conversation, Member


def member_data(member: Member) -> dict[str, Any]:
    return {
        "userId": str(member.user_id),
        "role": member.role.value,
        "joinedAt": wire_time(member.joined_at),
        "active": member.active,
    }


def booking_data(conversation: Conversation, booking_chat_open: timedelta) -> dict[str, Any] | None:
    """A booking's conversation's booking: its status as last heard of, and when the
    conversation turns read-only (``booking_chat_open`` after the booking closed)."""
    if conversation.booking_id is None:
        return None
    closed = conversation.booking_closed_at
    return {
        "bookingId": str(conversation.booking_id),
        "status": None if conversation.booking_state is None else conversation.booking_state.value,
        "start": wire_time(conversation.booking_start),
        "closedAt": wire_time(closed),
        "readOnlyAfter": None if closed is None else wire_time(closed + booking_chat_open),
    }


def conversation_data(
    conversation: Conversation, members: Sequence[Member], *, booking_chat_open: timedelta
) -> dict[str, Any]:
    """``members``: every membership to show, current and past (``active`` says which)."""
    return {
        "id": str(conversation.id),
        "kind": conversation.kind.value,
        "title": conversation.title,
        "createdAt": wire_time(conversation.created_at),
        "lastActivityAt": wire_time(conversation.last_activity_at),
        "lastSeq": conversation.last_seq,
        "eventSeq": conversation.event_seq,
        "members": [member_data(m) for m in members],
        "booking": booking_data(conversation, booking_chat_open),
    }
