"""A booking's conversation, driven through the booking context's use cases, on every backend:
opened with the request, following the booking, read-only once closed long enough."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from alora_core.messaging.booking_chats.commands import GetBookingConversation
from alora_core.messaging.booking_chats.follow import (
    BookingNews,
    follow_booking,
    open_booking_conversation,
)
from alora_core.messaging.conversations.errors import CannotMessage, ConversationNotFound
from alora_core.messaging.conversations.events import ConversationChanged
from alora_core.messaging.conversations.message_commands import SendMessage
from alora_core.messaging.conversations.model import BookingState, ConversationKind, MemberRole
from alora_core.messaging.conversations.queries import ConversationView
from alora_core.shared.actor import Actor
from contexts.booking.bookings_harness import HOUR, TUESDAY_9, Harness, open_bookings
from support.backends import Backend

OPEN_HOURS = 72


@pytest.fixture
async def b(backend: Backend) -> Harness:
    harness = await open_bookings(backend, ALORA_MESSAGING_BOOKING_CHAT_OPEN_HOURS=str(OPEN_HOURS))
    seen = harness.committed

    async def collect(events: list[Any]) -> None:  # jobs' commits too, not only commands'
        known = {e.event_id for e in seen}  # a command's events reach both
        seen.extend(
            e for e in events if isinstance(e, ConversationChanged) and e.event_id not in known
        )

    harness.alora.bus.after_commit(collect)
    return harness


@pytest.fixture
async def people(b: Harness) -> tuple[Actor, Actor]:
    return await b.add_user("ana"), await b.add_professional()


async def chat(b: Harness, actor: Actor, booking: Any) -> ConversationView:
    return await b.handle(GetBookingConversation(actor=actor, booking_id=booking.id))


async def say(b: Harness, actor: Actor, conversation_id: uuid.UUID, body: str) -> None:
    command = SendMessage(
        actor=actor, conversation_id=conversation_id, client_id=uuid.uuid4().hex, body=body
    )
    await b.handle(command)


def changes(b: Harness) -> list[ConversationChanged]:
    return b.events_of(ConversationChanged)


async def test_a_request_opens_the_conversation_of_both_parties(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    booking = await b.book(ana, pro)
    found = await chat(b, ana, booking)
    conversation = found.conversation
    assert conversation.kind is ConversationKind.BOOKING
    assert conversation.booking_id == booking.id
    assert conversation.booking_state is BookingState.PENDING
    assert conversation.booking_start == TUESDAY_9
    assert conversation.booking_closed_at is None and found.read_only_after is None
    assert {(m.user_id, m.role) for m in found.members} == {
        (ana.user_id, MemberRole.MEMBER),
        (pro.user_id, MemberRole.MEMBER),
    }
    assert (await chat(b, pro, booking)).conversation.id == conversation.id
    [created] = changes(b)
    assert created.kind == "conversation.updated"
    assert created.data["change"] == "created"
    assert set(created.recipients) == {ana.user_id, pro.user_id}
    assert created.data["conversation"]["eventSeq"] == created.seq == 1
    assert created.data["conversation"]["booking"] == {
        "bookingId": str(booking.id),
        "status": "pending",
        "start": "2030-01-15T08:00:00Z",
        "closedAt": None,
        "readOnlyAfter": None,
    }


async def test_a_second_delivery_of_the_request_finds_the_conversation(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    booking = await b.book(ana, pro)
    assert ana.user_id is not None and pro.user_id is not None
    news = BookingNews(
        booking_id=booking.id,
        customer_id=ana.user_id,
        professional_id=pro.user_id,
        state=BookingState.PENDING,
        start=booking.start,
        occurred_at=b.clock.now(),
    )
    first = (await chat(b, ana, booking)).conversation
    async with b.alora.units_of_work["messaging"]() as uow:
        again = await open_booking_conversation(
            news, uow, now=b.clock.now(), open_for=timedelta(hours=OPEN_HOURS)
        )
        await uow.commit()
    assert again is not None and again.id == first.id
    assert (await chat(b, ana, booking)).conversation.event_seq == 1


async def test_the_conversation_follows_confirmation_and_a_move(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    booking = await b.book(ana, pro)
    await b.confirm(pro, booking)
    assert (await chat(b, ana, booking)).conversation.booking_state is BookingState.CONFIRMED
    await b.reschedule(pro, booking, TUESDAY_9 + 2 * HOUR)
    conversation = (await chat(b, ana, booking)).conversation
    assert conversation.booking_start == TUESDAY_9 + 2 * HOUR
    assert conversation.booking_state is BookingState.CONFIRMED
    assert conversation.event_seq == 3
    updated = [c for c in changes(b) if c.data.get("change") == "booking-updated"]
    assert [c.data["conversation"]["booking"]["status"] for c in updated] == [
        "confirmed",
        "confirmed",
    ]
    assert [c.seq for c in updated] == [2, 3]


async def test_a_closed_booking_makes_the_conversation_read_only_after_the_open_hours(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    booking = await b.book(ana, pro)
    cancelled_at = b.clock.now()
    await b.cancel(ana, booking)
    found = await chat(b, pro, booking)
    conversation = found.conversation
    assert conversation.booking_state is BookingState.CANCELLED
    assert conversation.booking_closed_at == cancelled_at
    assert found.read_only_after == cancelled_at + timedelta(hours=OPEN_HOURS)
    open_for = timedelta(hours=OPEN_HOURS)
    b.clock.advance(open_for)
    await say(b, pro, conversation.id, "Sorry to miss you")  # still open, to the second
    b.clock.advance(timedelta(seconds=1))
    for party in (ana, pro):
        with pytest.raises(CannotMessage) as refused:
            await say(b, party, conversation.id, "One more thing")
        assert refused.value.reason == CannotMessage.READ_ONLY
    [update] = [c for c in changes(b) if c.data.get("change") == "booking-updated"]
    assert update.data["conversation"]["booking"]["readOnlyAfter"] == "2030-01-17T07:30:00Z"


async def test_a_rejection_closes_it_and_a_closed_booking_stays_closed(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    booking = await b.book(ana, pro)
    await b.reject(pro, booking)
    conversation = (await chat(b, ana, booking)).conversation
    assert conversation.booking_state is BookingState.REJECTED
    assert conversation.booking_closed_at is not None
    assert ana.user_id is not None and pro.user_id is not None
    late = BookingNews(
        booking_id=booking.id,
        customer_id=ana.user_id,
        professional_id=pro.user_id,
        state=BookingState.CONFIRMED,
        start=booking.start,
        occurred_at=b.clock.now(),
    )
    async with b.alora.units_of_work["messaging"]() as uow:
        await follow_booking(late, uow, now=b.clock.now(), open_for=timedelta(hours=1))
        await uow.commit()
    assert (await chat(b, ana, booking)).conversation.booking_state is BookingState.REJECTED


async def test_only_the_parties_see_the_conversation(
    b: Harness, people: tuple[Actor, Actor]
) -> None:
    ana, pro = people
    booking = await b.book(ana, pro)
    eve = await b.add_user("eve")
    with pytest.raises(ConversationNotFound):
        await chat(b, eve, booking)
    other = await b.book(eve, pro, TUESDAY_9 + 3 * HOUR)
    with pytest.raises(ConversationNotFound):
        await chat(b, ana, other)
