"""``GET /api/v1/bookings/{bookingId}/conversation``: a booking's conversation, for its parties.

The messaging module's route under the bookings' path: the conversation the messaging context
opened with the booking's request, and the booking as it knows it. Anyone who is not a party
gets 404, as for an unknown booking.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from msgspec import Meta

from alora_core.messaging.booking_chats.commands import (
    BookingConversation,
    GetBookingConversation,
)
from alora_core.messaging.conversations.model import (
    BookingState,
    Conversation,
    ConversationKind,
    Member,
    MemberRole,
)
from alora_core.shared.actor import Actor
from entrypoints.bootstrap import Alora
from entrypoints.http.base import BEARER_SECURITY, problem_responses
from entrypoints.http.params import id_segment, path_id
from entrypoints.http.schemas import ResponseSchema

BookingId = Annotated[str, id_segment("booking")]


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


class BookingConversationMember(ResponseSchema):
    user_id: uuid.UUID
    role: MemberRole
    joined_at: datetime
    active: bool

    @classmethod
    def of(cls, member: Member) -> BookingConversationMember:
        return cls(
            user_id=member.user_id,
            role=member.role,
            joined_at=member.joined_at.astimezone(UTC),
            active=member.active,
        )


class BookingConversationBooking(ResponseSchema):
    booking_id: uuid.UUID
    status: Annotated[BookingState, Meta(description="The booking's status as last told.")]
    start: datetime
    closed_at: Annotated[
        datetime | None, Meta(description="When the booking closed; null while it is open.")
    ]
    read_only_after: Annotated[
        datetime | None,
        Meta(
            description="From then on no one may write here (`ALORA_MESSAGING_BOOKING_CHAT_"
            "OPEN_HOURS` after `closedAt`); null while the booking is open."
        ),
    ]


class BookingConversationResponse(ResponseSchema):
    id: uuid.UUID
    kind: ConversationKind
    title: str | None
    created_at: datetime
    last_activity_at: datetime
    last_seq: Annotated[int, Meta(description="The seq of its latest message (0: none).")]
    event_seq: Annotated[
        int, Meta(description="Its latest event: catch up from here after a disconnect.")
    ]
    members: list[BookingConversationMember]
    booking: BookingConversationBooking

    @classmethod
    def of(cls, found: BookingConversation) -> BookingConversationResponse:
        conversation: Conversation = found.conversation
        assert conversation.booking_id is not None and conversation.booking_state is not None
        assert conversation.booking_start is not None
        return cls(
            id=conversation.id,
            kind=conversation.kind,
            title=conversation.title,
            created_at=conversation.created_at.astimezone(UTC),
            last_activity_at=conversation.last_activity_at.astimezone(UTC),
            last_seq=conversation.last_seq,
            event_seq=conversation.event_seq,
            members=[BookingConversationMember.of(m) for m in found.members],
            booking=BookingConversationBooking(
                booking_id=conversation.booking_id,
                status=conversation.booking_state,
                start=conversation.booking_start.astimezone(UTC),
                closed_at=_utc(conversation.booking_closed_at),
                read_only_after=_utc(found.read_only_after),
            ),
        )


class BookingConversationController(Controller):
    path = "/api/v1/bookings"
    tags = ["conversations"]
    security = BEARER_SECURITY

    @get(
        "/{booking_id:str}/conversation",
        summary="A booking's conversation",
        description="The conversation opened with the booking's request between its customer "
        "and its professional, with the booking as messaging knows it (`booking.status`, "
        "`start`, `closedAt`). Once the booking is closed (rejected, cancelled, expired or "
        "completed) the parties may still write until `booking.readOnlyAfter`, then read "
        "only. For the booking's parties; anyone else gets 404, as for an unknown booking or "
        "one whose conversation is not opened yet (it opens right after the request).",
        responses=problem_responses(401, 404),
    )
    async def get_booking_conversation(
        self,
        booking_id: BookingId,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> BookingConversationResponse:
        found = await alora.bus.handle(
            GetBookingConversation(actor=actor, booking_id=path_id(booking_id, "booking"))
        )
        return BookingConversationResponse.of(found)
