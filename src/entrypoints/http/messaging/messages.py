"""``/api/v1/conversations/{id}/messages`` and ``/api/v1/messages/{id}``: send, page, edit,
delete and report messages.

Only members see a conversation's messages (one who left or was removed, those up to their
leaving); for anyone else every route answers 404, as for an unknown id.
"""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from alora_core.messaging.conversations import message_commands as c
from alora_core.messaging.conversations.errors import (
    CannotMessage,
    ClientIdReused,
    DeleteRefused,
    EditRefused,
)
from alora_core.shared.actor import Actor
from entrypoints.bootstrap import Alora
from entrypoints.http.base import BEARER_SECURITY, problem_responses, raises
from entrypoints.http.messaging.messages_schemas import (
    After,
    Before,
    ConversationIdPath,
    EditMessageRequest,
    MessageHistoryResponse,
    MessageIdPath,
    MessageLimit,
    MessageResponse,
    MessagesResponse,
    ReportRequest,
    ReportResponse,
    SendMessageRequest,
)
from entrypoints.http.params import path_id

_WRITE_REFUSED = (
    "403 `not-a-member` for a member who left or was removed, `messages-not-allowed` in a "
    "direct conversation where either user blocked the other, `conversation-read-only` in a "
    "booking's conversation once the booking closed more than "
    "`ALORA_MESSAGING_BOOKING_CHAT_OPEN_HOURS` ago."
)


class ConversationMessagesController(Controller):
    path = "/api/v1/conversations"
    tags = ["messages"]
    security = BEARER_SECURITY

    @post(
        "/{conversation_id:str}/messages",
        status_code=HTTP_201_CREATED,
        summary="Send a message",
        description="By an active member. Idempotent by `clientId`: sending again with a "
        "`clientId` the caller already used in this conversation answers the message stored "
        "then (the same body), never a second message; used in another conversation, "
        "409 `client-id-reused`. The message gets the conversation's next `seq` (gap-free, in "
        "commit order) and the sender's read marker moves to it; members get "
        f"`message.created`. {_WRITE_REFUSED} 422 for an empty or oversized body, "
        "attachments that are not the sender's files, or `replyTo` naming no message of this "
        "conversation. 429 beyond `ALORA_MESSAGING_MESSAGES_PER_MINUTE`.",
        responses=problem_responses(400, 401, 403, 404, 409, 422, 429),
        opt=raises(CannotMessage, ClientIdReused),
    )
    async def send(
        self,
        conversation_id: ConversationIdPath,
        data: JSONBody[SendMessageRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> MessageResponse:
        sent = await alora.bus.handle(
            c.SendMessage(
                actor=actor,
                conversation_id=path_id(conversation_id, "conversation"),
                client_id=data.client_id,
                body=data.body,
                attachment_file_ids=tuple(data.attachment_file_ids),
                reply_to_id=data.reply_to,
            )
        )
        return MessageResponse.of(sent.message)

    @get(
        "/{conversation_id:str}/messages",
        summary="A page of a conversation's messages",
        description="Oldest first, by `seq`. Without cursors, the newest page; `before` pages "
        "back, `after` forward (both: the messages between). A member who left sees those up "
        "to their leaving. Deleted messages stay as tombstones (empty `body`, `deletedAt`).",
        responses=problem_responses(400, 401, 404, 422),
    )
    async def list_messages(
        self,
        conversation_id: ConversationIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        before: Before = None,
        after: After = None,
        limit: MessageLimit = 50,
    ) -> MessagesResponse:
        found = await alora.bus.handle(
            c.ListMessages(
                actor=actor,
                conversation_id=path_id(conversation_id, "conversation"),
                before=before,
                after=after,
                limit=limit,
            )
        )
        return MessagesResponse(messages=[MessageResponse.of(m) for m in found])


class MessagesController(Controller):
    path = "/api/v1/messages"
    tags = ["messages"]
    security = BEARER_SECURITY

    @get(
        "/{message_id:str}",
        summary="A message",
        description="For the members who may read it.",
        responses=problem_responses(401, 404),
    )
    async def get_message(
        self,
        message_id: MessageIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> MessageResponse:
        message = await alora.bus.handle(
            c.GetMessage(actor=actor, message_id=path_id(message_id, "message"))
        )
        return MessageResponse.of(message)

    @patch(
        "/{message_id:str}",
        summary="Edit a message",
        description="By its sender, within `ALORA_MESSAGING_EDIT_WINDOW_MINUTES` of sending "
        "(409 `edit-window-over`), not once deleted (409 `message-deleted`); anyone else who "
        "reads it gets 409 `not-sender`. The previous body is kept in the history; members get "
        f"`message.edited`. {_WRITE_REFUSED}",
        responses=problem_responses(400, 401, 403, 404, 409, 422),
        opt=raises(EditRefused, CannotMessage),
    )
    async def edit(
        self,
        message_id: MessageIdPath,
        data: JSONBody[EditMessageRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> MessageResponse:
        message = await alora.bus.handle(
            c.EditMessage(actor=actor, message_id=path_id(message_id, "message"), body=data.body)
        )
        return MessageResponse.of(message)

    @delete(
        "/{message_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a message",
        description="By its sender, a group's owner or admins, or a platform administrator; "
        "other members get 403 `may-not-delete`. The message stays as a tombstone (its slot "
        "and `seq`): body and attachments erased, and its edit history with them. Members get "
        "`message.deleted`. Deleting it again answers 204.",
        responses=problem_responses(401, 403, 404, 409),
        opt=raises(DeleteRefused),
    )
    async def delete_message(
        self,
        message_id: MessageIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> None:
        await alora.bus.handle(
            c.DeleteMessage(actor=actor, message_id=path_id(message_id, "message"))
        )

    @get(
        "/{message_id:str}/history",
        summary="A message's edit history",
        description="The previous bodies, oldest first, each with when it was written and "
        "replaced, then the current one. A deleted message has none left: only its tombstone.",
        responses=problem_responses(401, 404),
    )
    async def history(
        self,
        message_id: MessageIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> MessageHistoryResponse:
        found = await alora.bus.handle(
            c.GetMessageHistory(actor=actor, message_id=path_id(message_id, "message"))
        )
        return MessageHistoryResponse.of(found)

    @post(
        "/{message_id:str}/report",
        status_code=HTTP_201_CREATED,
        summary="Report a message",
        description="By a member who may read it, not its sender (422 `own-message`), for the "
        "administrators to review. One report per member and message: reporting it again "
        "answers the first report. 429 beyond `ALORA_MESSAGING_REPORTS_PER_DAY`.",
        responses=problem_responses(400, 401, 403, 404, 409, 422, 429),
    )
    async def report(
        self,
        message_id: MessageIdPath,
        data: JSONBody[ReportRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ReportResponse:
        reported = await alora.bus.handle(
            c.ReportMessage(
                actor=actor,
                message_id=path_id(message_id, "message"),
                reason=data.reason,
                note=data.note,
            )
        )
        return ReportResponse.of(reported.report)
