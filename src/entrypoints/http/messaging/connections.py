"""``/api/v1/connections`` and ``/api/v1/blocks``: connection requests, connections and blocks
of the signed-in user.

Another user's request answers 404, as an unknown id does; so does a user who does not exist,
is suspended, or is blocked either way, so a block is never told to the blocked user.
"""

from __future__ import annotations

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from alora_core.messaging.connections import commands as c
from alora_core.messaging.connections.errors import (
    RequestNotPending,
    RequestRefused,
    TooManyRequestsToday,
)
from alora_core.messaging.connections.ports import Direction
from alora_core.messaging.contacts import presence_of
from alora_core.shared.actor import Actor
from entrypoints.bootstrap import Alora
from entrypoints.http.base import BEARER_SECURITY, problem_responses, raises
from entrypoints.http.messaging.connections_schemas import (
    BlockPage,
    ConnectionPage,
    ConnectionRequestBody,
    ConnectionRequestPage,
    ConnectionRequestResponse,
    DirectionFilter,
    RequestIdPath,
    StatusFilter,
    UserIdPath,
)
from entrypoints.http.params import PageNumber, PageSize, path_id

_HIDDEN = (
    "A user who does not exist, is suspended, or is blocked by the caller or blocked them "
    "answers 404, alike."
)


class ConnectionRequestsController(Controller):
    path = "/api/v1/connections/requests"
    tags = ["connections"]
    security = BEARER_SECURITY

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        summary="Ask a user to connect",
        description="Sends a `pending` request; the recipient is notified "
        "(`connection.requested`). When the user's own request to the caller is pending, "
        "asking back accepts it instead: the answer is that request, `accepted`, and the two "
        "are connected. One request per pair waits at a time. Refused with 409 when the two "
        "are connected already (`already-connected`), when the caller's request to them is "
        "pending already (`request-pending`: sending again is not idempotent, the first "
        "stands), for `ALORA_MESSAGING_REQUEST_RESEND_AFTER_DAYS` after they rejected the "
        "caller's request (`recently-rejected`), and when the caller has "
        "`ALORA_MESSAGING_MAX_OPEN_REQUESTS` requests pending (`too-many-open-requests`); 429 "
        "beyond `ALORA_MESSAGING_REQUESTS_PER_DAY` requests in 24 hours. Asking oneself is "
        f"422. {_HIDDEN} An unanswered request expires after "
        "`ALORA_MESSAGING_REQUEST_EXPIRY_DAYS`.",
        responses=problem_responses(400, 401, 403, 404, 409, 422, 429),
        opt=raises(RequestRefused, TooManyRequestsToday),
    )
    async def send_request(
        self,
        data: JSONBody[ConnectionRequestBody],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ConnectionRequestResponse:
        view = await alora.bus.handle(
            c.SendConnectionRequest(actor=actor, user_id=data.user_id, message=data.message)
        )
        return ConnectionRequestResponse.of(view)

    @get(
        "/",
        summary="The caller's connection requests",
        description="Received (default) or sent, of one status or all, newest first, in "
        "numbered pages with totals; each with the other user's public fields.",
        responses=problem_responses(400, 401, 422),
    )
    async def list_requests(
        self,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        direction: DirectionFilter = Direction.RECEIVED,
        status: StatusFilter = None,
        page: PageNumber = 1,
        page_size: PageSize = 20,
    ) -> ConnectionRequestPage:
        found = await alora.bus.handle(
            c.ListConnectionRequests(
                actor=actor, direction=direction, status=status, page=page, page_size=page_size
            )
        )
        return ConnectionRequestPage.of(found)

    @post(
        "/{request_id:str}/accept",
        status_code=HTTP_200_OK,
        summary="Accept a connection request",
        description="By its recipient: the two are connected, and the sender is notified "
        "(`connection.accepted`). Anyone else, the sender included, gets 404. A request no "
        "longer pending is 409 `not-pending`.",
        responses=problem_responses(401, 403, 404, 409),
        opt=raises(RequestNotPending),
    )
    async def accept(
        self,
        request_id: RequestIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ConnectionRequestResponse:
        view = await alora.bus.handle(
            c.AcceptConnectionRequest(actor=actor, request_id=path_id(request_id, "request"))
        )
        return ConnectionRequestResponse.of(view)

    @post(
        "/{request_id:str}/reject",
        status_code=HTTP_200_OK,
        summary="Reject a connection request",
        description="By its recipient; the sender is not notified, and may not ask again for "
        "`ALORA_MESSAGING_REQUEST_RESEND_AFTER_DAYS`. Anyone else gets 404. A request no "
        "longer pending is 409 `not-pending`.",
        responses=problem_responses(401, 403, 404, 409),
        opt=raises(RequestNotPending),
    )
    async def reject(
        self,
        request_id: RequestIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ConnectionRequestResponse:
        view = await alora.bus.handle(
            c.RejectConnectionRequest(actor=actor, request_id=path_id(request_id, "request"))
        )
        return ConnectionRequestResponse.of(view)

    @post(
        "/{request_id:str}/withdraw",
        status_code=HTTP_200_OK,
        summary="Withdraw a connection request",
        description="By its sender. Anyone else gets 404. A request no longer pending is 409 "
        "`not-pending`.",
        responses=problem_responses(401, 403, 404, 409),
        opt=raises(RequestNotPending),
    )
    async def withdraw(
        self,
        request_id: RequestIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ConnectionRequestResponse:
        view = await alora.bus.handle(
            c.WithdrawConnectionRequest(actor=actor, request_id=path_id(request_id, "request"))
        )
        return ConnectionRequestResponse.of(view)


class ConnectionsController(Controller):
    path = "/api/v1/connections"
    tags = ["connections"]
    security = BEARER_SECURITY

    @get(
        "/",
        summary="The caller's connections",
        description="Newest first, in numbered pages with totals; each with the other user's "
        "public fields, when they connected and their presence.",
        responses=problem_responses(400, 401, 422),
    )
    async def list_connections(
        self,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        page: PageNumber = 1,
        page_size: PageSize = 20,
    ) -> ConnectionPage:
        found = await alora.bus.handle(
            c.ListConnections(actor=actor, page=page, page_size=page_size)
        )
        people = [view.other for view in found.items]
        return ConnectionPage.of(found, await presence_of(actor, people, alora.realtime.presence))

    @delete(
        "/{user_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Remove a connection",
        description="Either user may; the other is not notified (`connection.removed`). Not "
        "connected with that user: 404.",
        responses=problem_responses(401, 403, 404),
    )
    async def remove_connection(
        self, user_id: UserIdPath, actor: NamedDependency[Actor], alora: NamedDependency[Alora]
    ) -> None:
        await alora.bus.handle(c.RemoveConnection(actor=actor, user_id=path_id(user_id, "user")))


class BlocksController(Controller):
    path = "/api/v1/blocks"
    tags = ["blocks"]
    security = BEARER_SECURITY

    @get(
        "/",
        summary="The users the caller blocked",
        description="Newest first, in numbered pages with totals, with their public fields. "
        "Who blocked the caller is never told.",
        responses=problem_responses(400, 401, 422),
    )
    async def list_blocks(
        self,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        page: PageNumber = 1,
        page_size: PageSize = 20,
    ) -> BlockPage:
        found = await alora.bus.handle(c.ListBlocks(actor=actor, page=page, page_size=page_size))
        return BlockPage.of(found)

    @post(
        "/{user_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Block a user",
        description="Idempotent: blocking again changes nothing and answers the same 204. "
        "Their connection with the caller is removed and pending requests between them are "
        "closed (the caller's withdrawn, theirs rejected); from then on requests and messages "
        "are refused both ways and each is hidden from the other, as if they did not exist. "
        "History stays. Nobody is notified. An unknown user is 404; oneself 422.",
        responses=problem_responses(401, 403, 404, 422),
    )
    async def block(
        self, user_id: UserIdPath, actor: NamedDependency[Actor], alora: NamedDependency[Alora]
    ) -> None:
        await alora.bus.handle(c.BlockUser(actor=actor, user_id=path_id(user_id, "user")))

    @delete(
        "/{user_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Unblock a user",
        description="Idempotent: a user the caller has not blocked (or no such user) also "
        "answers 204. A connection removed by the block does not come back.",
        responses=problem_responses(401, 403, 404),
    )
    async def unblock(
        self, user_id: UserIdPath, actor: NamedDependency[Actor], alora: NamedDependency[Alora]
    ) -> None:
        await alora.bus.handle(c.UnblockUser(actor=actor, user_id=path_id(user_id, "user")))


ROUTE_HANDLERS = [ConnectionRequestsController, ConnectionsController, BlocksController]
