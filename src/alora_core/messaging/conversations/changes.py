"""Recording a change of a conversation: one row of its event log and one ``ConversationChanged``
for the pushes, both numbered with the conversation's next event seq.

Call it with the conversation loaded with ``lock=True`` or counted by ``count_message`` (its
counters move one transaction at a time) and every membership (``uow.members.of``), inside the
unit of work that makes the change; what it records commits with it or not at all.

A ``message.*`` event is logged with the id of the message it carries: deleting the message
rewrites them (``EventLog.rewrite_message``), so no earlier body outlives it in the log.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from alora_core.messaging.conversations.events import ConversationChanged
from alora_core.messaging.conversations.model import (
    Conversation,
    ConversationEvent,
    Member,
    members_seeing,
)
from alora_core.messaging.ports import MessagingUnitOfWork


async def record_change(
    uow: MessagingUnitOfWork,
    conversation: Conversation,
    members: Sequence[Member],
    kind: str,
    data: dict[str, Any],
    now: datetime,
    *,
    only_user_id: uuid.UUID | None = None,
    counted: bool = False,
) -> ConversationEvent:
    """Number the change, log it and record its push. ``data`` is what clients get; the
    conversation's id and the event's seq are added to it (``conversationId``, ``eventSeq``).
    ``only_user_id`` keeps it to that member (their own read marker where receipts do not
    show); otherwise every member who sees the conversation at this seq gets it. ``counted``:
    the conversation's ``event_seq`` already numbers this change (``count_message``)."""
    seq = conversation.event_seq if counted else conversation.next_event_seq()
    message = data.get("message") if kind.startswith("message.") else None
    payload = {"conversationId": str(conversation.id), "eventSeq": seq, **data}
    event = ConversationEvent(
        conversation_id=conversation.id,
        seq=seq,
        kind=kind,
        data=payload,
        created_at=now,
        only_user_id=only_user_id,
        message_id=None if message is None else uuid.UUID(message["id"]),
    )
    await uow.event_log.add([event])
    recipients = (only_user_id,) if only_user_id else tuple(members_seeing(members, seq))
    uow.record_events(
        [
            ConversationChanged(
                occurred_at=now,
                conversation_id=conversation.id,
                seq=seq,
                kind=kind,
                data=payload,
                recipients=recipients,
            )
        ]
    )
    return event
