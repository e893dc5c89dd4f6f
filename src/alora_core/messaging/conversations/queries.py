"""What reading conversations answers: a member's view of a conversation (its members, their
public fields, the member's read marker, unread count and the last message they may see), and
the opaque cursor of the list ordered by last activity."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from attrs import evolve, frozen

from alora_core.messaging.conversations.model import Conversation, Member, Message
from alora_core.messaging.people import Person
from alora_core.shared.errors import Invalid

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@frozen(kw_only=True)
class SendingState:
    """What sending a message checks, read in one query (``Conversations.for_sending``)."""

    conversation: Conversation
    members: list[Member]
    """Every membership, current and past, in joining order."""
    blocked: frozenset[uuid.UUID]
    """The members in a block with the sender, either way."""
    stored_id: uuid.UUID | None
    """The sender's message with the send's ``client_id``, in any conversation (a retry)."""


@frozen(kw_only=True)
class ConversationSummary:
    """One conversation of a member's list, read in one query with the others of its page."""

    conversation: Conversation
    member: Member
    """The reader's membership, current or past."""
    unread_count: int
    """Messages by others after the reader's marker, not deleted, that the reader may see."""
    last_message: Message | None
    """The last message the reader may see (a deleted one as its tombstone)."""

    @property
    def activity(self) -> datetime:
        """When the conversation last moved for the reader: its last activity, or when the
        reader left it. The list's order, newest first, ties broken by id."""
        return self.member.left_at or self.conversation.last_activity_at


@frozen(kw_only=True)
class ConversationView:
    """A conversation as one member sees it. A former member sees it as it was when they left:
    the counters stop at their removal, and the members are those who had joined by then."""

    conversation: Conversation
    members: Sequence[Member]
    member: Member
    unread_count: int
    last_message: Message | None
    people: dict[uuid.UUID, Person]
    """The public fields of the other members shown (those whose account still exists)."""
    muted: bool
    """The member muted the conversation, for now."""
    read_only_after: datetime | None
    """A booking's conversation: when it turns read-only, once the booking closed."""

    @classmethod
    def of(
        cls,
        summary: ConversationSummary,
        members: Sequence[Member],
        people: dict[uuid.UUID, Person],
        *,
        now: datetime,
        booking_chat_open: timedelta,
    ) -> ConversationView:
        member = summary.member
        closed = summary.conversation.booking_closed_at
        conversation, shown = summary.conversation, list(members)
        if member.left_at is not None:
            left = member.left_at
            conversation = evolve(
                conversation,
                last_seq=member.until_seq or 0,
                event_seq=member.until_event or 0,
                last_activity_at=left,
            )
            shown = [
                m if m.left_at is None or m.left_at <= left else evolve(m, left_at=None)
                for m in members
                if m.joined_at <= left
            ]
        others = {m.user_id for m in shown if m.user_id != member.user_id}
        return cls(
            conversation=conversation,
            members=shown,
            member=member,
            unread_count=summary.unread_count,
            last_message=summary.last_message,
            people={i: p for i, p in people.items() if i in others},
            muted=member.muted(now),
            read_only_after=None if closed is None else closed + booking_chat_open,
        )


@frozen
class ActivityCursor:
    """Where a page of the list ends: the last item's activity time and id."""

    activity: datetime
    conversation_id: uuid.UUID

    def encode(self) -> str:
        micros = (self.activity - _EPOCH) // _MICROSECOND
        raw = micros.to_bytes(8, "big", signed=True) + self.conversation_id.bytes
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    @classmethod
    def decode(cls, cursor: str) -> ActivityCursor:
        """The cursor's position; ``Invalid`` (field ``cursor``) for anything not made here."""
        try:
            raw = base64.urlsafe_b64decode(cursor.encode("ascii") + b"==")
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raw = b""
        if len(raw) == 24:
            micros = int.from_bytes(raw[:8], "big", signed=True)
            try:
                moment: datetime | None = _EPOCH + micros * _MICROSECOND
            except OverflowError:
                moment = None
            if moment is not None:
                found = cls(moment, uuid.UUID(bytes=raw[8:]))
                if found.encode() == cursor:
                    return found
        raise Invalid.field("cursor", "is not a cursor from this list; start without one")
