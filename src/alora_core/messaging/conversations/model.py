"""Conversations, their members and messages, and the log of a conversation's events.

Two counters on the conversation, both moved only under its row lock and so gap-free and in
commit order: ``last_seq`` numbers its messages, ``event_seq`` numbers everything a member may
see change (a message sent, edited or deleted, a read marker moved, the conversation or its
members changed). Each such change is one ``ConversationEvent`` row with that number: a client
that saw events up to ``n`` catches up with the events after ``n`` (``ConversationEvents``).
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from attrs import define, field, frozen

from alora_core.shared.ids import new_id

MAX_BODY = 4000
MAX_TITLE = 100
MAX_CLIENT_ID = 64
MAX_ATTACHMENTS = 10
RECEIPTS_MAX_MEMBERS = 50
"""Read receipts show in groups of up to this many members."""


class ConversationKind(enum.StrEnum):
    DIRECT = "direct"
    GROUP = "group"
    BOOKING = "booking"


class MemberRole(enum.StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"


class BookingState(enum.StrEnum):
    """A booking's status as its conversation knows it (from the booking context's events)."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    COMPLETED = "completed"

    @property
    def closed(self) -> bool:
        return self not in (BookingState.PENDING, BookingState.CONFIRMED)


def direct_pair(user_id: uuid.UUID, other_id: uuid.UUID) -> str:
    """The key of a pair of users, the same whoever asks."""
    low, high = sorted((user_id, other_id))
    return f"{low}:{high}"


@define(slots=False, kw_only=True)
class Conversation:
    kind: ConversationKind
    created_at: datetime
    last_activity_at: datetime
    created_by: uuid.UUID | None
    title: str | None = None
    direct_pair: str | None = None
    """A direct conversation's two users (``direct_pair``): one conversation per pair."""
    booking_id: uuid.UUID | None = None
    booking_state: BookingState | None = None
    booking_start: datetime | None = None
    booking_closed_at: datetime | None = None
    last_seq: int = 0
    event_seq: int = 0
    id: uuid.UUID = field(factory=new_id)
    version: int = 1

    def next_message_seq(self, now: datetime) -> int:
        self.last_seq += 1
        self.last_activity_at = now
        return self.last_seq

    def next_event_seq(self) -> int:
        self.event_seq += 1
        return self.event_seq


@define(slots=False, kw_only=True)
class Member:
    conversation_id: uuid.UUID
    user_id: uuid.UUID
    role: MemberRole
    joined_at: datetime
    read_seq: int = 0
    """The last message seq the member has read; moves forward only."""
    muted_until: datetime | None = None
    muted_forever: bool = False
    left_at: datetime | None = None
    until_seq: int | None = None
    """Set when the member left or was removed: the last message seq they may still read."""
    until_event: int | None = None
    """... and the last event seq they may still see (their own removal)."""
    id: uuid.UUID = field(factory=new_id)
    version: int = 1

    @property
    def active(self) -> bool:
        return self.left_at is None

    def muted(self, now: datetime) -> bool:
        return self.muted_forever or (self.muted_until is not None and self.muted_until > now)


@define(slots=False, kw_only=True)
class Message:
    conversation_id: uuid.UUID
    seq: int
    sender_id: uuid.UUID | None
    """None once the sender's account is deleted (the message stays)."""
    client_id: str
    body: str
    created_at: datetime
    attachment_file_ids: list[uuid.UUID] = field(factory=list)
    reply_to_id: uuid.UUID | None = None
    edited_at: datetime | None = None
    deleted_at: datetime | None = None
    deleted_by: uuid.UUID | None = None
    id: uuid.UUID = field(factory=new_id)
    version: int = 1

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


@frozen(kw_only=True)
class MessageEdit:
    """A message's body before one of its edits."""

    message_id: uuid.UUID
    body: str
    edited_at: datetime
    """When the body below was replaced."""
    id: uuid.UUID = field(factory=new_id)


@frozen(kw_only=True)
class ConversationEvent:
    """One change of a conversation, as pushed to its members and replayed to those catching up.

    ``data`` is what clients get (JSON-ready, camelCase keys); ``only_user_id`` keeps an event
    to one member (their own read marker where receipts do not show); ``message_id`` names the
    message a ``message.*`` event carries, so its deletion finds and rewrites them."""

    conversation_id: uuid.UUID
    seq: int
    kind: str
    data: dict[str, Any]
    created_at: datetime
    only_user_id: uuid.UUID | None = None
    message_id: uuid.UUID | None = None
    id: uuid.UUID = field(factory=new_id)
    """Only the memory adapter keeps it (the database's key is the conversation and seq)."""


class ReportStatus(enum.StrEnum):
    OPEN = "open"
    DISMISSED = "dismissed"
    ACTIONED = "actioned"


@define(slots=False, kw_only=True)
class MessageReport:
    message_id: uuid.UUID
    conversation_id: uuid.UUID
    reporter_id: uuid.UUID
    reason: str
    note: str
    created_at: datetime
    status: ReportStatus = ReportStatus.OPEN
    handled_by: uuid.UUID | None = None
    handled_at: datetime | None = None
    id: uuid.UUID = field(factory=new_id)
    version: int = 1


def members_seeing(members: Sequence[Member], event_seq: int) -> list[uuid.UUID]:
    """The users who see an event numbered ``event_seq``: active members, and those who left
    after it."""
    return [m.user_id for m in members if m.until_event is None or m.until_event >= event_seq]
