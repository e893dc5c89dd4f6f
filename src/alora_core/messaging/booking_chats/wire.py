"""A booking's conversation as clients get it (camelCase JSON, times in UTC with ``Z``): the
``booking`` object of the conversation JSON, and the conversation with it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from alora_core.messaging.booking_chats.rules import read_only_after
from alora_core.messaging.conversations.model import Conversation, Member


def json_time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def booking_data(conversation: Conversation, open_for: timedelta) -> dict[str, Any] | None:
    """``{bookingId, status, start, closedAt, readOnlyAfter}``; None for a conversation that is
    not a booking's."""
    if conversation.booking_id is None:
        return None
    state = conversation.booking_state
    return {
        "bookingId": str(conversation.booking_id),
        "status": None if state is None else state.value,
        "start": json_time(conversation.booking_start),
        "closedAt": json_time(conversation.booking_closed_at),
        "readOnlyAfter": json_time(read_only_after(conversation, open_for)),
    }


def booking_conversation_data(
    conversation: Conversation,
    members: Sequence[Member],
    open_for: timedelta,
    *,
    event_seq: int | None = None,
) -> dict[str, Any]:
    """The conversation JSON (shape in ``docs/api/messaging.md``); ``event_seq`` instead of
    the conversation's for the JSON of the change about to be recorded with that seq."""
    return {
        "id": str(conversation.id),
        "kind": conversation.kind.value,
        "title": conversation.title,
        "createdAt": json_time(conversation.created_at),
        "lastActivityAt": json_time(conversation.last_activity_at),
        "lastSeq": conversation.last_seq,
        "eventSeq": conversation.event_seq if event_seq is None else event_seq,
        "members": [
            {
                "userId": str(m.user_id),
                "role": m.role.value,
                "joinedAt": json_time(m.joined_at),
                "active": m.active,
            }
            for m in members
        ],
        "booking": booking_data(conversation, open_for),
    }
