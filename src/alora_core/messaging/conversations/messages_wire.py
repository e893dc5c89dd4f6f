"""A message as clients get it in events (pushed and replayed): camelCase JSON, times in
ISO-8601 UTC with ``Z``. The HTTP message schema has exactly these fields."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alora_core.messaging.conversations.model import Message


def wire_time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def message_data(message: Message) -> dict[str, Any]:
    return {
        "id": str(message.id),
        "conversationId": str(message.conversation_id),
        "seq": message.seq,
        "senderId": None if message.sender_id is None else str(message.sender_id),
        "clientId": message.client_id,
        "body": message.body,
        "attachmentFileIds": [str(f) for f in message.attachment_file_ids],
        "replyToId": None if message.reply_to_id is None else str(message.reply_to_id),
        "createdAt": wire_time(message.created_at),
        "editedAt": wire_time(message.edited_at),
        "deletedAt": wire_time(message.deleted_at),
    }
