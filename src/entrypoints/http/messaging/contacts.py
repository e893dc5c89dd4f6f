"""``GET /api/v1/contacts``: the people the signed-in user talks with, with their presence."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from msgspec import Meta

from alora_core.messaging.contacts import MAX_QUERY, Contact, ListContacts
from alora_core.shared.actor import Actor
from alora_core.shared.pagination import MAX_PAGE_SIZE, CursorPage
from entrypoints.bootstrap import Alora
from entrypoints.http.base import BEARER_SECURITY, problem_responses
from entrypoints.http.messaging.connections_schemas import PersonResponse
from entrypoints.http.messaging.presence_schemas import PresenceResponse
from entrypoints.http.schemas import ResponseSchema

Query = Annotated[
    str | None,
    QueryParameter(
        max_length=MAX_QUERY,
        description="Keeps the contacts whose name or username contains it, ignoring case "
        "(trimmed; up to 100 characters).",
    ),
]
OnlineOnly = Annotated[bool, QueryParameter(description="Only the contacts online now.")]
Cursor = Annotated[
    str | None,
    QueryParameter(
        max_length=400,
        description="The `nextCursor` of the page before; leave it out for the first page.",
    ),
]
Limit = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE_SIZE, description="Contacts per page.")]


class ContactResponse(ResponseSchema):
    user: PersonResponse
    presence: Annotated[
        PresenceResponse,
        Meta(
            description="Offline with no `lastSeen` when the contact's profile is private or "
            "their presence is otherwise hidden."
        ),
    ]

    @classmethod
    def of(cls, contact: Contact) -> ContactResponse:
        return cls(
            user=PersonResponse.of(contact.person), presence=PresenceResponse.of(contact.presence)
        )


class ContactPage(ResponseSchema):
    """Ordered by name. ``nextCursor`` is null on the last page."""

    items: list[ContactResponse]
    next_cursor: str | None

    @classmethod
    def of(cls, page: CursorPage[Contact]) -> ContactPage:
        return cls(
            items=[ContactResponse.of(contact) for contact in page.items],
            next_cursor=page.next_cursor,
        )


class ContactsController(Controller):
    path = "/api/v1/contacts"
    tags = ["connections"]
    security = BEARER_SECURITY

    @get(
        "/",
        summary="The signed-in user's contacts, with presence",
        description="Connections and booking counterparts (members together of a booking's "
        "conversation), less anyone blocked either way and suspended accounts, ordered by "
        "name, a page at a time (pass a page's `nextCursor` as `cursor`). `q` keeps those "
        "whose name or username contains it; `online=true` those online now. Each carries "
        "its public fields and presence (`presence.changed` on `presence:<id>` keeps it "
        "current over the WebSocket).",
        responses=problem_responses(400, 401, 422),
    )
    async def list_contacts(
        self,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        q: Query = None,
        online: OnlineOnly = False,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> ContactPage:
        page = await alora.bus.handle(
            ListContacts(actor=actor, q=q, online=online, cursor=cursor, limit=limit)
        )
        return ContactPage.of(page)


ROUTE_HANDLERS = [ContactsController]
