"""The booking conversation's command."""

from __future__ import annotations

import uuid

from attrs import frozen

from alora_core.messaging.conversations.queries import ConversationView
from alora_core.shared.actor import Actor
from alora_core.shared.commands import Command


@frozen(kw_only=True)
class GetBookingConversation(Command[ConversationView]):
    """The conversation of a booking the caller is a party of, as ``GetConversation`` shows
    it."""

    actor: Actor
    booking_id: uuid.UUID
