"""Commands of messages, read state, reports and catching up. ``actor`` is who asks."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime, timedelta

from attrs import frozen

from alora_core.messaging.conversations.model import (
    ConversationEvent,
    Message,
    MessageReport,
    ReportStatus,
)
from alora_core.shared.actor import Actor
from alora_core.shared.commands import Command
from alora_core.shared.pagination import Page

MAX_PAGE = 100
MAX_EVENTS = 500


@frozen(kw_only=True)
class Sent:
    """A sent message, and whether this call stored it (False: a retry found it stored)."""

    message: Message
    created: bool


@frozen(kw_only=True)
class SendMessage(Command[Sent]):
    """Send a message; a retry with the same ``client_id`` answers the message stored."""

    actor: Actor
    conversation_id: uuid.UUID
    client_id: str
    body: str
    attachment_file_ids: tuple[uuid.UUID, ...] = ()
    reply_to_id: uuid.UUID | None = None


@frozen(kw_only=True)
class ListMessages(Command[list[Message]]):
    """A page of messages, oldest first: those before ``before`` (the newest page when neither
    cursor is given) or after ``after``."""

    actor: Actor
    conversation_id: uuid.UUID
    before: int | None = None
    after: int | None = None
    limit: int = 50


@frozen(kw_only=True)
class GetMessage(Command[Message]):
    actor: Actor
    message_id: uuid.UUID


@frozen(kw_only=True)
class EditMessage(Command[Message]):
    actor: Actor
    message_id: uuid.UUID
    body: str


@frozen(kw_only=True)
class DeleteMessage(Command[Message]):
    actor: Actor
    message_id: uuid.UUID


@frozen(kw_only=True)
class BodyVersion:
    body: str
    written_at: datetime
    replaced_at: datetime | None
    """None for the current body."""


@frozen(kw_only=True)
class MessageHistory:
    message: Message
    versions: list[BodyVersion]
    """The previous bodies, oldest first, then the current one."""


@frozen(kw_only=True)
class GetMessageHistory(Command[MessageHistory]):
    actor: Actor
    message_id: uuid.UUID


# --- read state ------------------------------------------------------------------------------


@frozen(kw_only=True)
class ReadState:
    read_up_to: int
    unread_count: int


@frozen(kw_only=True)
class MarkRead(Command[ReadState]):
    """Move the actor's read marker forward to ``up_to`` (clamped to the last message they
    may read); a lower ``up_to`` leaves it as it is."""

    actor: Actor
    conversation_id: uuid.UUID
    up_to: int


@frozen(kw_only=True)
class ReadMarker:
    user_id: uuid.UUID
    up_to: int


@frozen(kw_only=True)
class ListReadMarkers(Command[list[ReadMarker]]):
    actor: Actor
    conversation_id: uuid.UUID


@frozen(kw_only=True)
class Unread:
    total: int
    conversations: int
    """How many conversations have any unread message."""


@frozen(kw_only=True)
class CountUnread(Command[Unread]):
    actor: Actor


# --- reports ---------------------------------------------------------------------------------


class ReportReason(enum.StrEnum):
    SPAM = "spam"
    ABUSE = "abuse"
    HARASSMENT = "harassment"
    OTHER = "other"


class ReportAction(enum.StrEnum):
    DISMISS = "dismiss"
    DELETE_MESSAGE = "delete-message"


@frozen(kw_only=True)
class Reported:
    """A report, and whether this call made it (False: the reporter had reported it)."""

    report: MessageReport
    created: bool


@frozen(kw_only=True)
class ReportMessage(Command[Reported]):
    """Report a message; a second report of it by the same member answers the first."""

    actor: Actor
    message_id: uuid.UUID
    reason: ReportReason
    note: str = ""


@frozen(kw_only=True)
class ReportView:
    report: MessageReport
    message_body: str
    """The reported message's body as it is now ("" once deleted)."""
    message_deleted: bool


@frozen(kw_only=True)
class ListMessageReports(Command[Page[ReportView]]):
    """Administrators only: reports in one status, oldest first."""

    actor: Actor
    status: ReportStatus = ReportStatus.OPEN
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class ResolveMessageReport(Command[ReportView]):
    """Administrators only: dismiss the report, or delete the message (every open report of
    it is then actioned)."""

    actor: Actor
    report_id: uuid.UUID
    action: ReportAction


# --- catching up -----------------------------------------------------------------------------


@frozen(kw_only=True)
class EventsPage:
    events: list[ConversationEvent]
    event_seq: int
    """The latest event seq the caller may see."""
    has_more: bool


@frozen(kw_only=True)
class ListConversationEvents(Command[EventsPage]):
    """The events after ``after`` the actor may see, oldest first; ``ResyncRequired`` when some
    of them are no longer kept."""

    actor: Actor
    conversation_id: uuid.UUID
    after: int
    limit: int = 100


@frozen(kw_only=True)
class PruneConversationEvents(Command[int]):
    """Delete events older than ``kept``; answers how many went."""

    kept: timedelta
