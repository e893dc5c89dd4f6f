"""Booking counterparts, on every backend: the users one shares a booking's conversation with,
whether or not they are still members, and no one met only in a group or direct conversation."""

from __future__ import annotations

import uuid

import pytest

from alora_core.messaging.conversations.model import ConversationKind
from support.backends import Backend

from .realtime_harness import Chat, build_chat


@pytest.fixture
async def chat(backend: Backend) -> Chat:
    return await build_chat(backend)


async def test_counterparts_are_those_met_in_a_bookings_conversation(chat: Chat) -> None:
    ann, bob, cy, dee = await chat.users("ann", "bob", "cy", "dee")
    booking = ConversationKind.BOOKING
    await chat.conversation([ann, bob], booking, booking_id=uuid.uuid4())
    await chat.conversation([cy, ann], booking, booking_id=uuid.uuid4())
    await chat.conversation([ann, dee], ConversationKind.GROUP)
    await chat.conversation([bob, dee], booking, booking_id=uuid.uuid4())

    async with chat.uow().reading() as uow:
        assert await uow.counterparts.of(ann) == {bob, cy}
        assert await uow.counterparts.of(dee) == {bob}
        assert await uow.counterparts.between(ann, cy)
        assert await uow.counterparts.between(cy, ann)
        assert not await uow.counterparts.between(ann, dee)
        assert not await uow.counterparts.between(ann, ann)


async def test_a_counterpart_who_left_stays_one(chat: Chat) -> None:
    ann, bob = await chat.users("ann", "bob")
    conversation = await chat.conversation(
        [ann, bob], ConversationKind.BOOKING, booking_id=uuid.uuid4()
    )
    await chat.change(conversation, "conversation.updated", {"change": "member-left"}, remove=bob)

    async with chat.uow().reading() as uow:
        assert await uow.counterparts.of(ann) == {bob}
