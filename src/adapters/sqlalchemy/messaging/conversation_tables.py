"""The tables of conversations, their members, messages, edits, event log and reports, and
their mappings.

- ``messaging_conversations``: one direct conversation per pair (unique ``direct_pair``), one
  per booking (unique ``booking_id``); conversations are listed by ``last_activity_at``.
- ``messaging_members``: one row per member and conversation (unique), found by user too.
- ``messaging_messages``: ``(conversation_id, seq)`` unique and the page order; a sender's
  ``client_id`` is unique (a retry finds the message it already sent).
- ``messaging_events``: ``(conversation_id, seq)`` is the key; pruned by ``created_at``; a
  message's events are found by ``(conversation_id, message_id)`` (its deletion rewrites them).
"""

from __future__ import annotations

import uuid

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    Uuid,
)

from adapters.sqlalchemy.database import metadata
from adapters.sqlalchemy.mapping import map_versioned
from adapters.sqlalchemy.types import JsonDict, JsonOf, UtcDateTime, str_enum
from alora_core.messaging.conversations.model import (
    BookingState,
    Conversation,
    ConversationKind,
    Member,
    MemberRole,
    Message,
    MessageReport,
    ReportStatus,
)

__all__ = [
    "conversations_table",
    "events_table",
    "members_table",
    "message_edits_table",
    "messages_table",
    "reports_table",
]


def _user(nullable: bool = False) -> ForeignKey:
    return ForeignKey("users.id", ondelete="SET NULL" if nullable else "CASCADE")


def _conversation() -> ForeignKey:
    return ForeignKey("messaging_conversations.id", ondelete="CASCADE")


conversations_table = Table(
    "messaging_conversations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", str_enum(ConversationKind), nullable=False),
    Column("title", String, nullable=True),
    Column("direct_pair", String, nullable=True, unique=True),
    Column("booking_id", Uuid, nullable=True, unique=True),
    Column("booking_state", str_enum(BookingState), nullable=True),
    Column("booking_start", UtcDateTime, nullable=True),
    Column("booking_closed_at", UtcDateTime, nullable=True),
    Column("created_by", Uuid, _user(nullable=True), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_activity_at", UtcDateTime, nullable=False),
    Column("last_seq", Integer, nullable=False),
    Column("event_seq", Integer, nullable=False),
    Column("version", Integer, nullable=False),
)

members_table = Table(
    "messaging_members",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("conversation_id", Uuid, _conversation(), nullable=False),
    Column("user_id", Uuid, _user(), nullable=False, index=True),
    Column("role", str_enum(MemberRole), nullable=False),
    Column("joined_at", UtcDateTime, nullable=False),
    Column("read_seq", Integer, nullable=False),
    Column("muted_until", UtcDateTime, nullable=True),
    Column("muted_forever", Boolean, nullable=False),
    Column("left_at", UtcDateTime, nullable=True),
    Column("until_seq", Integer, nullable=True),
    Column("until_event", Integer, nullable=True),
    Column("version", Integer, nullable=False),
    UniqueConstraint("conversation_id", "user_id"),
)

messages_table = Table(
    "messaging_messages",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("conversation_id", Uuid, _conversation(), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("sender_id", Uuid, _user(nullable=True), nullable=True),
    Column("client_id", String, nullable=False),
    Column("body", String, nullable=False),
    Column("attachment_file_ids", JsonOf(list[uuid.UUID]), nullable=False),
    Column("reply_to_id", Uuid, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("edited_at", UtcDateTime, nullable=True),
    Column("deleted_at", UtcDateTime, nullable=True),
    Column("deleted_by", Uuid, nullable=True),
    Column("version", Integer, nullable=False),
    UniqueConstraint("conversation_id", "seq"),
    UniqueConstraint("sender_id", "client_id"),
)

message_edits_table = Table(
    "messaging_message_edits",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column(
        "message_id",
        Uuid,
        ForeignKey("messaging_messages.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("body", String, nullable=False),
    Column("edited_at", UtcDateTime, nullable=False),
)

events_table = Table(
    "messaging_events",
    metadata,
    Column("conversation_id", Uuid, _conversation(), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("kind", String, nullable=False),
    Column("data", JsonDict(), nullable=False),
    Column("only_user_id", Uuid, nullable=True),
    Column("created_at", UtcDateTime, nullable=False, index=True),
    Column("message_id", Uuid, nullable=True),
    Index("ix_messaging_events_conversation_id_message_id", "conversation_id", "message_id"),
)

reports_table = Table(
    "messaging_reports",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column(
        "message_id", Uuid, ForeignKey("messaging_messages.id", ondelete="CASCADE"), nullable=False
    ),
    Column("conversation_id", Uuid, _conversation(), nullable=False),
    Column("reporter_id", Uuid, _user(), nullable=False),
    Column("reason", String, nullable=False),
    Column("note", String, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("status", str_enum(ReportStatus), nullable=False),
    Column("handled_by", Uuid, nullable=True),
    Column("handled_at", UtcDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    UniqueConstraint("message_id", "reporter_id"),
    Index("ix_messaging_reports_status_created_at", "status", "created_at"),
)

map_versioned(Conversation, conversations_table)
map_versioned(Member, members_table)
map_versioned(Message, messages_table)
map_versioned(MessageReport, reports_table)
