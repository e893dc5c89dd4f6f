"""``GET /api/v1/bookings/{bookingId}/conversation``: a booking's conversation, for its parties.

The messaging module's route under the bookings' path: the conversation the messaging context
opened with the booking's request, and the booking as it knows it. Anyone who is not a party
gets 404, as for an unknown booking.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency

from alora_core.messaging.booking_chats.commands import GetBookingConversation
from alora_core.shared.actor import Actor
from entrypoints.bootstrap import Alora
from entrypoints.http.base import BEARER_SECURITY, problem_responses
from entrypoints.http.messaging.conversations_schemas import ConversationResponse
from entrypoints.http.params import id_segment, path_id

BookingId = Annotated[str, id_segment("booking")]


class BookingConversationController(Controller):
    path = "/api/v1/bookings"
    tags = ["conversations"]
    security = BEARER_SECURITY

    @get(
        "/{booking_id:str}/conversation",
        summary="A booking's conversation",
        description="The conversation opened with the booking's request between its customer "
        "and its professional, as `GET /api/v1/conversations/{id}` answers it, with the "
        "booking as messaging knows it (`booking.status`, "
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
    ) -> ConversationResponse:
        view = await alora.bus.handle(
            GetBookingConversation(actor=actor, booking_id=path_id(booking_id, "booking"))
        )
        return ConversationResponse.of(view)
