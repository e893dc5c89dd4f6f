"""When a booking's conversation stops taking messages."""

from __future__ import annotations

from datetime import datetime, timedelta

from alora_core.messaging.conversations.model import Conversation


def read_only_after(conversation: Conversation, open_for: timedelta) -> datetime | None:
    """After this moment the parties may no longer write: ``open_for`` after the booking
    closed; None while it is open (and for a conversation that is not a booking's)."""
    closed_at = conversation.booking_closed_at
    return None if closed_at is None else closed_at + open_for


def read_only(conversation: Conversation, now: datetime, open_for: timedelta) -> bool:
    """Whether the booking's conversation refuses messages at ``now``."""
    after = read_only_after(conversation, open_for)
    return after is not None and now > after
