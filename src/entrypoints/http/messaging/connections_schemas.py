"""Connections' and blocks' request and response bodies and query parameters: camelCase on
the wire."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated

from litestar.params import PathParameter, QueryParameter
from msgspec import Meta

from alora_core.messaging.connections.model import MAX_MESSAGE, RequestStatus
from alora_core.messaging.connections.ports import Direction
from alora_core.messaging.connections.queries import BlockView, ConnectionView, RequestView
from alora_core.messaging.people import Person
from alora_core.shared.pagination import Page
from alora_core.shared.presence import PresenceState
from entrypoints.http import examples
from entrypoints.http.messaging.presence_schemas import PresenceResponse
from entrypoints.http.schemas import PageTotals, RequestSchema, ResponseSchema, page_totals

RequestIdPath = Annotated[
    str,
    PathParameter(
        format="uuid",
        description="The connection request's id, a UUID; anything else answers 404, as does "
        "a request the caller may not act on.",
    ),
]
UserIdPath = Annotated[
    str,
    PathParameter(format="uuid", description="The user's id, a UUID; anything else answers 404."),
]
DirectionFilter = Annotated[
    Direction,
    QueryParameter(
        description="`received` (default): requests to the caller; `sent`: the caller's own."
    ),
]
StatusFilter = Annotated[
    RequestStatus | None, QueryParameter(description="Only this status (default: every status).")
]


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


class ConnectionRequestBody(RequestSchema):
    example = examples.CONNECTION_REQUEST
    user_id: Annotated[uuid.UUID, Meta(description="Whom to ask.")]
    message: Annotated[
        str | None,
        Meta(
            description=f"An optional note, up to {MAX_MESSAGE} characters once trimmed; line "
            "breaks are fine, other control and bidi control characters are not."
        ),
    ] = None


class PersonResponse(ResponseSchema):
    """A user's public fields."""

    id: uuid.UUID
    full_name: str
    username: str
    avatar_file_id: uuid.UUID | None

    @classmethod
    def of(cls, person: Person) -> PersonResponse:
        return cls(
            id=person.id,
            full_name=person.full_name,
            username=person.username,
            avatar_file_id=person.avatar_file_id,
        )


class ConnectionRequestResponse(ResponseSchema):
    id: uuid.UUID
    sender_id: uuid.UUID
    recipient_id: uuid.UUID
    user: Annotated[PersonResponse, Meta(description="The other user: not the caller.")]
    message: Annotated[str, Meta(description="Empty when the sender wrote none.")]
    status: RequestStatus
    created_at: datetime
    answered_at: Annotated[
        datetime | None, Meta(description="When it stopped being pending; null while pending.")
    ]

    @classmethod
    def of(cls, view: RequestView) -> ConnectionRequestResponse:
        request = view.request
        return cls(
            id=request.id,
            sender_id=request.sender_id,
            recipient_id=request.recipient_id,
            user=PersonResponse.of(view.other),
            message=request.message,
            status=request.status,
            created_at=request.created_at.astimezone(UTC),
            answered_at=_utc(request.answered_at),
        )


class ConnectionRequestPage(PageTotals):
    items: list[ConnectionRequestResponse]

    @classmethod
    def of(cls, page: Page[RequestView]) -> ConnectionRequestPage:
        return cls(
            items=[ConnectionRequestResponse.of(view) for view in page.items], **page_totals(page)
        )


class ConnectionResponse(ResponseSchema):
    user: PersonResponse
    connected_at: datetime
    presence: Annotated[
        PresenceResponse,
        Meta(description="Offline with no `lastSeen` when the user's profile is private."),
    ]

    @classmethod
    def of(cls, view: ConnectionView, presence: PresenceState | None) -> ConnectionResponse:
        return cls(
            user=PersonResponse.of(view.other),
            connected_at=view.connected_at.astimezone(UTC),
            presence=PresenceResponse.of(presence),
        )


class ConnectionPage(PageTotals):
    items: list[ConnectionResponse]

    @classmethod
    def of(
        cls, page: Page[ConnectionView], presence: Mapping[uuid.UUID, PresenceState]
    ) -> ConnectionPage:
        """``presence``: that of the users whose presence shows, read once for the page."""
        items = [ConnectionResponse.of(view, presence.get(view.other.id)) for view in page.items]
        return cls(items=items, **page_totals(page))


class BlockResponse(ResponseSchema):
    user: Annotated[PersonResponse, Meta(description="The user the caller blocked.")]
    blocked_at: datetime

    @classmethod
    def of(cls, view: BlockView) -> BlockResponse:
        return cls(user=PersonResponse.of(view.blocked), blocked_at=view.blocked_at.astimezone(UTC))


class BlockPage(PageTotals):
    items: list[BlockResponse]

    @classmethod
    def of(cls, page: Page[BlockView]) -> BlockPage:
        return cls(items=[BlockResponse.of(view) for view in page.items], **page_totals(page))
