"""Conversations' request and response bodies and parameters: camelCase on the wire. A
conversation's own fields are those of ``conversation_data`` (the events' conversation)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from litestar.params import PathParameter, QueryParameter
from msgspec import Meta

from alora_core.messaging.conversations.model import (
    MAX_TITLE,
    BookingState,
    ConversationKind,
    MemberRole,
)
from alora_core.messaging.conversations.queries import ConversationView
from alora_core.shared.pagination import MAX_PAGE_SIZE, CursorPage
from entrypoints.http import examples
from entrypoints.http.messaging.connections_schemas import PersonResponse
from entrypoints.http.messaging.messages_schemas import MessageResponse
from entrypoints.http.schemas import RequestSchema, ResponseSchema

MAX_IDS = 10_000
"""Ids one body may name (the group cap, which is lower, answers beyond it)."""

ConversationIdPath = Annotated[
    str,
    PathParameter(
        format="uuid",
        description="The conversation's id, a UUID; anything else answers 404, as does a "
        "conversation the caller never was a member of.",
    ),
]
UserIdPath = Annotated[
    str,
    PathParameter(
        format="uuid",
        description="The member's user id, a UUID; anything else answers 404, as does a user "
        "who is not a current member.",
    ),
]
Cursor = Annotated[
    str | None,
    QueryParameter(
        max_length=64,
        description="The `nextCursor` of the page before; leave it out for the first page.",
    ),
]
Limit = Annotated[
    int, QueryParameter(ge=1, le=MAX_PAGE_SIZE, description="Conversations per page.")
]
_TITLE = Annotated[
    str,
    Meta(
        description=f"1 to {MAX_TITLE} characters once trimmed; no control characters or "
        "bidi controls."
    ),
]


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


class DirectRequest(RequestSchema):
    example = examples.DIRECT_CONVERSATION
    user_id: Annotated[uuid.UUID, Meta(description="The other user.")]


class GroupRequest(RequestSchema):
    example = examples.GROUP_CONVERSATION
    title: _TITLE
    member_ids: Annotated[
        list[uuid.UUID],
        Meta(
            min_length=1,
            max_length=MAX_IDS,
            description="The members besides the caller, who becomes the owner.",
        ),
    ]


class TitleRequest(RequestSchema):
    example = examples.GROUP_TITLE
    title: _TITLE


class MembersRequest(RequestSchema):
    example = examples.GROUP_MEMBERS
    user_ids: Annotated[
        list[uuid.UUID], Meta(min_length=1, max_length=MAX_IDS, description="Users to add.")
    ]


class RoleRequest(RequestSchema):
    example = examples.MEMBER_ROLE
    role: Literal["admin", "member"]


class MuteRequest(RequestSchema):
    example = examples.MUTE
    until: Annotated[
        Annotated[datetime, Meta(tz=True)] | None,
        Meta(
            description="Muted until this time (ISO 8601 with an offset, in the future); "
            "left out or null: until unmuted.",
            examples=["2030-01-15T09:00:00Z"],
        ),
    ] = None


class MemberResponse(ResponseSchema):
    user_id: uuid.UUID
    role: MemberRole
    joined_at: datetime
    active: Annotated[bool, Meta(description="False once they left or were removed.")]


class BookingInfoResponse(ResponseSchema):
    booking_id: uuid.UUID
    status: BookingState | None
    start: datetime | None
    closed_at: datetime | None
    read_only_after: Annotated[
        datetime | None,
        Meta(description="When the conversation turns read-only, once the booking closed."),
    ]


class ConversationResponse(ResponseSchema):
    id: uuid.UUID
    kind: ConversationKind
    title: Annotated[str | None, Meta(description="A group's; null for the others.")]
    created_at: datetime
    last_activity_at: datetime
    last_seq: Annotated[int, Meta(description="The seq of the last message the caller sees.")]
    event_seq: Annotated[
        int,
        Meta(
            description="The last event of this conversation the caller sees: catch up with "
            "`GET /api/v1/conversations/{id}/events?after=`."
        ),
    ]
    members: Annotated[
        list[MemberResponse],
        Meta(description="In joining order; a former member sees those who had joined by then."),
    ]
    booking: BookingInfoResponse | None
    active: Annotated[bool, Meta(description="False when the caller left or was removed.")]
    read_up_to: Annotated[int, Meta(description="The caller's read marker (a message seq).")]
    unread_count: int
    muted: bool
    muted_until: Annotated[
        datetime | None, Meta(description="Null when not muted or muted until unmuted.")
    ]
    last_message: MessageResponse | None
    people: Annotated[
        list[PersonResponse], Meta(description="The public fields of the other members shown.")
    ]

    @classmethod
    def of(cls, view: ConversationView) -> ConversationResponse:
        conversation, member = view.conversation, view.member
        booking = (
            None
            if conversation.booking_id is None
            else BookingInfoResponse(
                booking_id=conversation.booking_id,
                status=conversation.booking_state,
                start=_utc(conversation.booking_start),
                closed_at=_utc(conversation.booking_closed_at),
                read_only_after=_utc(view.read_only_after),
            )
        )
        muted = view.muted
        return cls(
            id=conversation.id,
            kind=conversation.kind,
            title=conversation.title,
            created_at=conversation.created_at.astimezone(UTC),
            last_activity_at=conversation.last_activity_at.astimezone(UTC),
            last_seq=conversation.last_seq,
            event_seq=conversation.event_seq,
            members=[
                MemberResponse(
                    user_id=m.user_id,
                    role=m.role,
                    joined_at=m.joined_at.astimezone(UTC),
                    active=m.active,
                )
                for m in view.members
            ],
            booking=booking,
            active=member.active,
            read_up_to=member.read_seq,
            unread_count=view.unread_count,
            muted=muted,
            muted_until=_utc(member.muted_until) if muted and not member.muted_forever else None,
            last_message=None
            if view.last_message is None
            else MessageResponse.of(view.last_message),
            people=[
                PersonResponse.of(p) for p in sorted(view.people.values(), key=lambda p: str(p.id))
            ],
        )


class ConversationPage(ResponseSchema):
    items: Annotated[list[ConversationResponse], Meta(description="Newest activity first.")]
    next_cursor: Annotated[str | None, Meta(description="Null on the last page.")]

    @classmethod
    def of(cls, page: CursorPage[ConversationView]) -> ConversationPage:
        return cls(
            items=[ConversationResponse.of(v) for v in page.items],
            next_cursor=page.next_cursor,
        )
