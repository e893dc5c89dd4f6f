"""Keeping a booking's conversation in step with the booking: run by the messaging module's
handlers of the booking context's events, with plain values (contexts never import each other).

Handlers run at least once and the events of one booking may arrive out of order after a
retry, so each run is a no-op when the conversation already shows what the news says, opens
the conversation when it is missing (whichever event comes first), and never reopens a
conversation whose booking closed (closed states are final in the booking context).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from attrs import frozen

from alora_core.messaging.conversations.changes import record_change
from alora_core.messaging.conversations.conversations_wire import conversation_data
from alora_core.messaging.conversations.model import (
    BookingState,
    Conversation,
    ConversationKind,
    Member,
    MemberRole,
)
from alora_core.messaging.ports import MessagingUnitOfWork

CHANGED = "conversation.updated"


@frozen(kw_only=True)
class BookingNews:
    """What one of the booking context's events says about a booking."""

    booking_id: uuid.UUID
    customer_id: uuid.UUID
    professional_id: uuid.UUID
    state: BookingState
    start: datetime
    occurred_at: datetime


async def open_booking_conversation(
    news: BookingNews, uow: MessagingUnitOfWork, *, now: datetime, open_for: timedelta
) -> Conversation | None:
    """Inside an open unit of work: the booking's conversation, opened now when it is missing
    (a second delivery of the request finds it and changes nothing)."""
    found = await uow.conversations.of_booking(news.booking_id)
    if found is not None:
        return found
    return await _open(news, uow, now, open_for)


async def follow_booking(
    news: BookingNews, uow: MessagingUnitOfWork, *, now: datetime, open_for: timedelta
) -> Conversation | None:
    """Inside an open unit of work (the caller commits): open the booking's conversation or
    bring it up to date, recording the change its members see. None when neither party
    exists any more."""
    found = await uow.conversations.of_booking(news.booking_id)
    if found is None:
        return await _open(news, uow, now, open_for)
    conversation = await uow.conversations.get(found.id, lock=True)
    assert conversation is not None
    if not _apply(conversation, news):
        return conversation
    members = await uow.members.of(conversation.id)
    await _record(uow, conversation, members, "booking-updated", now, open_for)
    return conversation


async def _open(
    news: BookingNews, uow: MessagingUnitOfWork, now: datetime, open_for: timedelta
) -> Conversation | None:
    parties = [news.customer_id, news.professional_id]
    people = await uow.people.get_many(parties)
    if not people:
        return None
    conversation = Conversation(
        kind=ConversationKind.BOOKING,
        created_at=now,
        last_activity_at=now,
        created_by=news.customer_id if news.customer_id in people else None,
        booking_id=news.booking_id,
        booking_state=news.state,
        booking_start=news.start,
        booking_closed_at=news.occurred_at if news.state.closed else None,
    )
    uow.conversations.add(conversation)
    for user_id in parties:
        if user_id in people:
            uow.members.add(
                Member(
                    conversation_id=conversation.id,
                    user_id=user_id,
                    role=MemberRole.MEMBER,
                    joined_at=now,
                )
            )
    members = await uow.members.of(conversation.id)
    await _record(uow, conversation, members, "created", now, open_for)
    return conversation


def _apply(conversation: Conversation, news: BookingNews) -> bool:
    """Show the news on the conversation; whether anything changed."""
    current = conversation.booking_state
    if current is not None and current.closed:
        return False
    if current == news.state and conversation.booking_start == news.start:
        return False
    conversation.booking_state = news.state
    conversation.booking_start = news.start
    if news.state.closed:
        conversation.booking_closed_at = news.occurred_at
    return True


async def _record(
    uow: MessagingUnitOfWork,
    conversation: Conversation,
    members: list[Member],
    change: str,
    now: datetime,
    open_for: timedelta,
) -> None:
    data = conversation_data(conversation, members, booking_chat_open=open_for)
    data["eventSeq"] = conversation.event_seq + 1  # the state after this change
    payload = {"change": change, "conversation": data}
    await record_change(uow, conversation, members, CHANGED, payload, now)
