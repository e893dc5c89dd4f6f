"""Conversations with members, written straight through messaging's unit of work, for tests of
messages, read state, reports and catching up (the conversations' own use cases are tested in
their suite)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from alora_core.messaging.conversations.model import (
    BookingState,
    Conversation,
    ConversationKind,
    Member,
    MemberRole,
    direct_pair,
)
from entrypoints.bootstrap import Alora


async def add_conversation(
    alora: Alora,
    user_ids: Sequence[uuid.UUID],
    kind: ConversationKind = ConversationKind.GROUP,
    *,
    admins: Sequence[uuid.UUID] = (),
    booking_closed_at: datetime | None = None,
) -> Conversation:
    """A conversation of ``user_ids``; in a group the first is its owner, ``admins`` admins."""
    now = alora.clock.now()
    conversation = Conversation(
        kind=kind,
        created_at=now,
        last_activity_at=now,
        created_by=user_ids[0],
        title="Team" if kind is ConversationKind.GROUP else None,
        direct_pair=direct_pair(*user_ids[:2]) if kind is ConversationKind.DIRECT else None,
    )
    if kind is ConversationKind.BOOKING:
        conversation.booking_id = uuid.uuid4()
        conversation.booking_start = now
        conversation.booking_state = (
            BookingState.COMPLETED if booking_closed_at else BookingState.CONFIRMED
        )
        conversation.booking_closed_at = booking_closed_at
    async with alora.units_of_work["messaging"]() as uow:
        uow.conversations.add(conversation)
        for number, user_id in enumerate(user_ids):
            role = MemberRole.MEMBER
            if kind is ConversationKind.GROUP and number == 0:
                role = MemberRole.OWNER
            elif user_id in admins:
                role = MemberRole.ADMIN
            uow.members.add(
                Member(conversation_id=conversation.id, user_id=user_id, role=role, joined_at=now)
            )
        await uow.commit()
    return conversation


async def remove_member(alora: Alora, conversation_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """The member leaves: they keep what was there up to now."""
    async with alora.units_of_work["messaging"]() as uow:
        conversation = await uow.conversations.get(conversation_id, lock=True)
        member = await uow.members.get(conversation_id, user_id)
        assert conversation is not None and member is not None
        member.left_at = alora.clock.now()
        member.until_seq = conversation.last_seq
        member.until_event = conversation.event_seq
        await uow.commit()


async def add_members(
    alora: Alora, conversation_id: uuid.UUID, user_ids: Sequence[uuid.UUID]
) -> None:
    async with alora.units_of_work["messaging"]() as uow:
        for user_id in user_ids:
            uow.members.add(
                Member(
                    conversation_id=conversation_id,
                    user_id=user_id,
                    role=MemberRole.MEMBER,
                    joined_at=alora.clock.now(),
                )
            )
        await uow.commit()
