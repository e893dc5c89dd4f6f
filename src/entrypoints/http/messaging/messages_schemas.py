"""Messages', read state's, reports' and catching up's bodies and parameters: camelCase on the
wire. ``MessageResponse`` has exactly the fields of ``message_data`` (the events' message)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from litestar.params import PathParameter, QueryParameter
from msgspec import Meta

from alora_core.messaging.conversations import message_commands as c
from alora_core.messaging.conversations.model import (
    MAX_ATTACHMENTS,
    MAX_BODY,
    MAX_CLIENT_ID,
    Message,
    MessageReport,
    ReportStatus,
)
from alora_core.messaging.conversations.reports import MAX_NOTE
from alora_core.shared.pagination import Page
from entrypoints.http import examples
from entrypoints.http.schemas import PageTotals, RequestSchema, ResponseSchema, page_totals

MAX_SEQ = 2**31 - 1
"""Sequence numbers are 32-bit in the database: a cursor beyond is refused, not looked up."""
_NOT_YOURS = "anything else answers 404, as does one the caller is not a member of."
ConversationIdPath = Annotated[
    str, PathParameter(format="uuid", description=f"The conversation's id, a UUID; {_NOT_YOURS}")
]
MessageIdPath = Annotated[
    str,
    PathParameter(
        format="uuid",
        description="The message's id, a UUID; anything else answers 404, as does a message "
        "the caller may not read.",
    ),
]
ReportIdPath = Annotated[
    str, PathParameter(format="uuid", description="The report's id, a UUID; else 404.")
]
Before = Annotated[
    int | None,
    QueryParameter(
        ge=1, le=MAX_SEQ, description="Only messages with a `seq` below this (older ones)."
    ),
]
After = Annotated[
    int | None,
    QueryParameter(
        ge=0, le=MAX_SEQ, description="Only messages with a `seq` above this (newer ones)."
    ),
]
MessageLimit = Annotated[
    int, QueryParameter(ge=1, le=c.MAX_PAGE, description="Messages per page (at most 100).")
]
EventsAfter = Annotated[
    int,
    QueryParameter(
        ge=0,
        le=MAX_SEQ,
        description="The last `eventSeq` the client saw of this conversation (0: none yet).",
    ),
]
EventsLimit = Annotated[
    int, QueryParameter(ge=1, le=c.MAX_EVENTS, description="Events per answer (at most 500).")
]
ReportStatusFilter = Annotated[
    ReportStatus, QueryParameter(description="Reports in this status (default `open`).")
]


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


class SendMessageRequest(RequestSchema):
    example = examples.SEND_MESSAGE
    client_id: Annotated[
        str,
        Meta(
            min_length=1,
            max_length=MAX_CLIENT_ID,
            description="Chosen by the client, unique among its sender's messages: printable "
            "ASCII, no spaces. Sending again with it answers the message already stored.",
        ),
    ]
    body: Annotated[
        str,
        Meta(
            description=f"1 to {MAX_BODY} characters once trimmed; line breaks and tabs are "
            "kept, other control characters and bidi controls refused."
        ),
    ]
    attachment_file_ids: Annotated[
        list[uuid.UUID],
        Meta(max_length=MAX_ATTACHMENTS, description="Files the sender uploaded."),
    ] = []
    reply_to: Annotated[
        uuid.UUID | None, Meta(description="A message of this conversation answered.")
    ] = None


class EditMessageRequest(RequestSchema):
    example = examples.EDIT_MESSAGE
    body: Annotated[str, Meta(description=f"1 to {MAX_BODY} characters once trimmed.")]


class MessageResponse(ResponseSchema):
    id: uuid.UUID
    conversation_id: uuid.UUID
    seq: Annotated[int, Meta(description="1, 2, 3 ... in the conversation: no gaps.")]
    sender_id: Annotated[uuid.UUID | None, Meta(description="Null once the account is gone.")]
    client_id: str
    body: Annotated[str, Meta(description="Empty once deleted.")]
    attachment_file_ids: list[uuid.UUID]
    reply_to_id: uuid.UUID | None
    created_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None

    @classmethod
    def of(cls, message: Message) -> MessageResponse:
        return cls(
            id=message.id,
            conversation_id=message.conversation_id,
            seq=message.seq,
            sender_id=message.sender_id,
            client_id=message.client_id,
            body=message.body,
            attachment_file_ids=list(message.attachment_file_ids),
            reply_to_id=message.reply_to_id,
            created_at=message.created_at.astimezone(UTC),
            edited_at=_utc(message.edited_at),
            deleted_at=_utc(message.deleted_at),
        )


class MessagesResponse(ResponseSchema):
    messages: Annotated[list[MessageResponse], Meta(description="Oldest first.")]


class BodyVersionResponse(ResponseSchema):
    body: str
    written_at: datetime
    replaced_at: Annotated[datetime | None, Meta(description="Null for the current body.")]


class MessageHistoryResponse(ResponseSchema):
    message_id: uuid.UUID
    versions: Annotated[
        list[BodyVersionResponse],
        Meta(description="The previous bodies, oldest first, then the current one."),
    ]

    @classmethod
    def of(cls, history: c.MessageHistory) -> MessageHistoryResponse:
        return cls(
            message_id=history.message.id,
            versions=[
                BodyVersionResponse(
                    body=v.body,
                    written_at=v.written_at.astimezone(UTC),
                    replaced_at=_utc(v.replaced_at),
                )
                for v in history.versions
            ],
        )


class MarkReadRequest(RequestSchema):
    example = examples.MARK_READ
    up_to: Annotated[
        int,
        Meta(
            ge=0,
            le=MAX_SEQ,
            description="The `seq` of the last message read; beyond the last message, the last.",
        ),
    ]


class ReadStateResponse(ResponseSchema):
    read_up_to: int
    unread_count: int


class ReadMarkerResponse(ResponseSchema):
    user_id: uuid.UUID
    up_to: int


class ReadMarkersResponse(ResponseSchema):
    markers: list[ReadMarkerResponse]


class UnreadResponse(ResponseSchema):
    total: Annotated[int, Meta(description="Unread messages over all conversations.")]
    conversations: Annotated[int, Meta(description="Conversations with any unread message.")]


class ReportRequest(RequestSchema):
    example = examples.REPORT_MESSAGE
    reason: c.ReportReason
    note: Annotated[str, Meta(max_length=MAX_NOTE)] = ""


class ReportResponse(ResponseSchema):
    id: uuid.UUID
    message_id: uuid.UUID
    conversation_id: uuid.UUID
    reporter_id: uuid.UUID
    reason: c.ReportReason
    note: str
    status: ReportStatus
    created_at: datetime
    handled_by: uuid.UUID | None
    handled_at: datetime | None

    @classmethod
    def of(cls, report: MessageReport) -> ReportResponse:
        return cls(
            id=report.id,
            message_id=report.message_id,
            conversation_id=report.conversation_id,
            reporter_id=report.reporter_id,
            reason=c.ReportReason(report.reason),
            note=report.note,
            status=report.status,
            created_at=report.created_at.astimezone(UTC),
            handled_by=report.handled_by,
            handled_at=_utc(report.handled_at),
        )


class ReportReviewResponse(ReportResponse):
    message_body: Annotated[str, Meta(description="The message as it is now (empty once deleted).")]
    message_deleted: bool

    @classmethod
    def of_view(cls, view: c.ReportView) -> ReportReviewResponse:
        base = ReportResponse.of(view.report)
        return cls(
            **{f: getattr(base, f) for f in ReportResponse.__struct_fields__},
            message_body=view.message_body,
            message_deleted=view.message_deleted,
        )


class ReportPage(PageTotals):
    items: list[ReportReviewResponse]

    @classmethod
    def of(cls, page: Page[c.ReportView]) -> ReportPage:
        return cls(items=[ReportReviewResponse.of_view(v) for v in page.items], **page_totals(page))


class ResolveReportRequest(RequestSchema):
    example = examples.RESOLVE_REPORT
    action: c.ReportAction


class EventResponse(ResponseSchema):
    event: Annotated[str, Meta(description="`message.created`, `read.updated` ...")]
    data: Annotated[dict[str, Any], Meta(description="As the WebSocket pushes it.")]


class EventsResponse(ResponseSchema):
    events: Annotated[list[EventResponse], Meta(description="Oldest first.")]
    event_seq: Annotated[int, Meta(description="The latest event the caller may see.")]
    has_more: Annotated[bool, Meta(description="More events follow: ask again after the last.")]

    @classmethod
    def of(cls, page: c.EventsPage) -> EventsResponse:
        return cls(
            events=[EventResponse(event=e.kind, data=e.data) for e in page.events],
            event_seq=page.event_seq,
            has_more=page.has_more,
        )
