"""The booking conversation's command."""

from __future__ import annotations

import uuid
from datetime import datetime

from attrs import frozen

from alora_core.messaging.conversations.model import Conversation, Member
from alora_core.shared.actor import Actor
from alora_core.shared.commands import Command


@frozen(kw_only=True)
class BookingConversation:
    """A booking's conversation, its memberships, and when it becomes read-only."""

    conversation: Conversation
    members: list[Member]
    read_only_after: datetime | None


@frozen(kw_only=True)
class GetBookingConversation(Command[BookingConversation]):
    """The conversation of a booking the caller is a party of."""

    actor: Actor
    booking_id: uuid.UUID
