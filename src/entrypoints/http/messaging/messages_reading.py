"""``/api/v1/conversations/{id}/read``, ``.../read-markers``, ``.../events`` and
``/api/v1/conversations/unread``: read state and catching up after a disconnect.

A non-member gets 404 on every route with a conversation id, as for an unknown one.
"""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK

from alora_core.messaging.conversations import message_commands as c
from alora_core.messaging.conversations.errors import ResyncRequired
from alora_core.shared.actor import Actor
from entrypoints.bootstrap import Alora
from entrypoints.http.base import BEARER_SECURITY, problem_responses, raises
from entrypoints.http.messaging.messages_schemas import (
    ConversationIdPath,
    EventsAfter,
    EventsLimit,
    EventsResponse,
    MarkReadRequest,
    ReadMarkerResponse,
    ReadMarkersResponse,
    ReadStateResponse,
    UnreadResponse,
)
from entrypoints.http.params import path_id


class ReadStateController(Controller):
    path = "/api/v1/conversations"
    tags = ["messages"]
    security = BEARER_SECURITY

    @post(
        "/{conversation_id:str}/read",
        status_code=HTTP_200_OK,
        summary="Mark messages read",
        description="Moves the caller's read marker forward to `upTo` (a `seq`), never back: "
        "a lower `upTo` changes nothing and answers the marker as it is; one beyond the last "
        "message the caller may read is taken as that last one. Answers the marker and the "
        "unread messages left. Members get `read.updated` when the caller's marker shows to "
        "them (direct and booking conversations, groups of up to 50 members, and the caller's "
        "`showReadReceipts` on); else only the caller's other sockets do.",
        responses=problem_responses(400, 401, 403, 404, 409, 422),
    )
    async def mark_read(
        self,
        conversation_id: ConversationIdPath,
        data: JSONBody[MarkReadRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ReadStateResponse:
        state = await alora.bus.handle(
            c.MarkRead(
                actor=actor,
                conversation_id=path_id(conversation_id, "conversation"),
                up_to=data.up_to,
            )
        )
        return ReadStateResponse(read_up_to=state.read_up_to, unread_count=state.unread_count)

    @get(
        "/{conversation_id:str}/read-markers",
        summary="How far the members read",
        description="The caller's own marker, and the other active members' whose markers "
        "show (`showReadReceipts` on) in direct and booking conversations and groups of up to "
        "50 members; in larger groups, and for a member who left, the caller's own only.",
        responses=problem_responses(401, 404),
    )
    async def read_markers(
        self,
        conversation_id: ConversationIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ReadMarkersResponse:
        markers = await alora.bus.handle(
            c.ListReadMarkers(actor=actor, conversation_id=path_id(conversation_id, "conversation"))
        )
        return ReadMarkersResponse(
            markers=[ReadMarkerResponse(user_id=m.user_id, up_to=m.up_to) for m in markers]
        )

    @get(
        "/unread",
        summary="Unread messages over all conversations",
        description="`total`: the others' messages after the caller's read markers, deleted "
        "ones left out; `conversations`: how many conversations have any.",
        responses=problem_responses(401),
    )
    async def unread(
        self, actor: NamedDependency[Actor], alora: NamedDependency[Alora]
    ) -> UnreadResponse:
        found = await alora.bus.handle(c.CountUnread(actor=actor))
        return UnreadResponse(total=found.total, conversations=found.conversations)

    @get(
        "/{conversation_id:str}/events",
        summary="Catch up with a conversation's events",
        description="The events after `after` (the last `eventSeq` the client saw), oldest "
        "first, as the WebSocket pushed them (`{event, data}`): those for every member and "
        "those for the caller alone; a member who left, those up to their leaving. `eventSeq` "
        "is the latest the caller may see; with `hasMore`, ask again after the last one. "
        "Events are kept `ALORA_MESSAGING_EVENTS_KEPT_DAYS`: a cursor older than the oldest "
        "kept answers 410 `resync-required` (fetch the conversation and its messages afresh).",
        responses=problem_responses(400, 401, 404, 410, 422),
        opt=raises(ResyncRequired),
    )
    async def events(
        self,
        conversation_id: ConversationIdPath,
        after: EventsAfter,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        limit: EventsLimit = 100,
    ) -> EventsResponse:
        page = await alora.bus.handle(
            c.ListConversationEvents(
                actor=actor,
                conversation_id=path_id(conversation_id, "conversation"),
                after=after,
                limit=limit,
            )
        )
        return EventsResponse.of(page)
