"""``/api/v1/conversations``: direct and group conversations, their members, the caller's list
and muting.

Only members see a conversation: for anyone else every route answers 404, as for one that
does not exist. A member who left or was removed still reads it (``active: false``), up to
their removal. Opening a conversation with a user who is unknown, suspended, or blocked either
way answers 404 too (a block is never told).
"""

from __future__ import annotations

from litestar import Controller, Response, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from alora_core.messaging.conversations import commands as c
from alora_core.messaging.conversations.errors import (
    CannotMessage,
    GroupFull,
    NotAdmin,
    NotAGroup,
)
from alora_core.messaging.conversations.model import MemberRole
from alora_core.shared.actor import Actor
from entrypoints.bootstrap import Alora
from entrypoints.http.base import BEARER_SECURITY, problem_responses, raises
from entrypoints.http.messaging.conversations_schemas import (
    ConversationIdPath,
    ConversationPage,
    ConversationResponse,
    Cursor,
    DirectRequest,
    GroupRequest,
    Limit,
    MembersRequest,
    MuteRequest,
    RoleRequest,
    TitleRequest,
    UserIdPath,
)
from entrypoints.http.params import path_id

_ANSWER = "Answers the conversation as the caller sees it, as `GET` does."
_MANAGERS = (
    "By the group's owner or an admin (else 403 `not-group-admin`); a direct or booking "
    "conversation answers 409 `not-a-group`; a caller who left, 403 `not-a-member`."
)
_MAY_TALK = (
    "Each user must be someone the caller may talk with: neither blocked the other, and they "
    "are connected, or share a booking's conversation, or the user allows direct messages "
    "from anyone (else 403 `messages-not-allowed`); an unknown, suspended or blocked user "
    "answers 404."
)


class ConversationsController(Controller):
    path = "/api/v1/conversations"
    tags = ["conversations"]
    security = BEARER_SECURITY

    @get(
        "/",
        summary="The caller's conversations",
        description="Every conversation the caller is or was a member of, by last activity "
        "(newest first; a conversation the caller left counts from when they left), a page at "
        "a time: pass a page's `nextCursor` as `cursor` for the next (null on the last). Each "
        "has the caller's `readUpTo`, `unreadCount` (messages by others after it, not "
        "deleted), mute state, the last message the caller may see, and the other members' "
        "public fields (`people`). A conversation whose `eventSeq` moved past what the client "
        "saw has events to catch up with.",
        responses=problem_responses(400, 401, 422),
    )
    async def list_conversations(
        self,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        cursor: Cursor = None,
        limit: Limit = 20,
    ) -> ConversationPage:
        page = await alora.bus.handle(c.ListConversations(actor=actor, cursor=cursor, limit=limit))
        return ConversationPage.of(page)

    @post(
        "/direct",
        status_code=HTTP_201_CREATED,
        summary="Open the direct conversation with a user",
        description="Gets or creates the one conversation of the caller and `userId`: 201 when "
        "it was created (its members are told with `conversation.updated`, change `created`), "
        "200 with the same body when it existed. Two requests at once make one conversation. "
        f"{_MAY_TALK} Opening one with someone who is neither a connection nor a booking "
        "counterpart counts against `ALORA_MESSAGING_NEW_DIRECT_PER_DAY` (429 beyond). The "
        "caller themselves: 422.",
        responses=problem_responses(400, 401, 403, 404, 422, 429),
        opt=raises(CannotMessage),
    )
    async def open_direct(
        self,
        data: JSONBody[DirectRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> Response[ConversationResponse]:
        opened = await alora.bus.handle(c.OpenDirect(actor=actor, user_id=data.user_id))
        status = HTTP_201_CREATED if opened.created else HTTP_200_OK
        return Response(ConversationResponse.of(opened.view), status_code=status)

    @post(
        "/groups",
        status_code=HTTP_201_CREATED,
        summary="Create a group conversation",
        description="The caller owns it; `memberIds` are its other members. "
        f"{_MAY_TALK} At most `ALORA_MESSAGING_MAX_GROUP_MEMBERS` members with the owner (409 "
        "`group-full`); `ALORA_MESSAGING_GROUPS_PER_DAY` new groups per user (429 beyond).",
        responses=problem_responses(400, 401, 403, 404, 409, 422, 429),
        opt=raises(CannotMessage, GroupFull),
    )
    async def create_group(
        self,
        data: JSONBody[GroupRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ConversationResponse:
        view = await alora.bus.handle(
            c.CreateGroup(actor=actor, title=data.title, member_ids=tuple(data.member_ids))
        )
        return ConversationResponse.of(view)

    @get(
        "/{conversation_id:str}",
        summary="A conversation",
        description="For its members; a former member sees it as when they left, read-only "
        "(`active: false`). Anyone else gets 404.",
        responses=problem_responses(401, 404),
    )
    async def get_conversation(
        self,
        conversation_id: ConversationIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ConversationResponse:
        view = await alora.bus.handle(
            c.GetConversation(actor=actor, conversation_id=path_id(conversation_id, "conversation"))
        )
        return ConversationResponse.of(view)

    @patch(
        "/{conversation_id:str}",
        summary="Rename a group",
        description=f"{_MANAGERS} Members are told (`conversation.updated`, change "
        f"`renamed`). {_ANSWER}",
        responses=problem_responses(400, 401, 403, 404, 409, 422),
        opt=raises(NotAdmin, NotAGroup, CannotMessage),
    )
    async def rename_group(
        self,
        conversation_id: ConversationIdPath,
        data: JSONBody[TitleRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ConversationResponse:
        view = await alora.bus.handle(
            c.RenameGroup(
                actor=actor,
                conversation_id=path_id(conversation_id, "conversation"),
                title=data.title,
            )
        )
        return ConversationResponse.of(view)

    @post(
        "/{conversation_id:str}/members",
        status_code=HTTP_200_OK,
        summary="Add members to a group",
        description=f"{_MANAGERS} {_MAY_TALK} Beyond `ALORA_MESSAGING_MAX_GROUP_MEMBERS`: 409 "
        "`group-full`. Current members named are left as they are. Someone who left or was "
        "removed comes back as a new member: they see the whole history again. Members are "
        f"told (`conversation.updated`, change `members-added`). {_ANSWER}",
        responses=problem_responses(400, 401, 403, 404, 409, 422),
        opt=raises(NotAdmin, NotAGroup, CannotMessage, GroupFull),
    )
    async def add_members(
        self,
        conversation_id: ConversationIdPath,
        data: JSONBody[MembersRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ConversationResponse:
        view = await alora.bus.handle(
            c.AddMembers(
                actor=actor,
                conversation_id=path_id(conversation_id, "conversation"),
                user_ids=tuple(data.user_ids),
            )
        )
        return ConversationResponse.of(view)

    @delete(
        "/{conversation_id:str}/members/{user_id:str}",
        status_code=HTTP_200_OK,
        summary="Remove a member from a group",
        description=f"{_MANAGERS} Only the owner removes an admin, and nobody the owner (403 "
        "`not-group-owner`); the caller removing themselves leaves. The member keeps the "
        "history up to now, read-only; they are told with the change (`conversation.updated`, "
        f"`member-removed`) and get none after. {_ANSWER}",
        responses=problem_responses(401, 403, 404, 409),
        opt=raises(NotAdmin, NotAGroup, CannotMessage),
    )
    async def remove_member(
        self,
        conversation_id: ConversationIdPath,
        user_id: UserIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ConversationResponse:
        view = await alora.bus.handle(
            c.RemoveMember(
                actor=actor,
                conversation_id=path_id(conversation_id, "conversation"),
                user_id=path_id(user_id, "member"),
            )
        )
        return ConversationResponse.of(view)

    @post(
        "/{conversation_id:str}/leave",
        status_code=HTTP_200_OK,
        summary="Leave a group",
        description="The caller keeps the history up to now, read-only. The owner leaving "
        "hands the group to its longest-standing admin, else member. Direct and booking "
        "conversations cannot be left (409 `not-a-group`); leaving twice is 403 "
        f"`not-a-member`. Members are told (`conversation.updated`, `member-left`). {_ANSWER}",
        responses=problem_responses(401, 403, 404, 409),
        opt=raises(NotAGroup, CannotMessage),
    )
    async def leave(
        self,
        conversation_id: ConversationIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ConversationResponse:
        view = await alora.bus.handle(
            c.LeaveConversation(
                actor=actor, conversation_id=path_id(conversation_id, "conversation")
            )
        )
        return ConversationResponse.of(view)

    @put(
        "/{conversation_id:str}/members/{user_id:str}/role",
        summary="Make a member an admin, or an admin a member",
        description="By the group's owner only (else 403 `not-group-owner`), for a current "
        "member other than themselves. Members are told (`conversation.updated`, "
        f"`role-changed`). {_ANSWER}",
        responses=problem_responses(400, 401, 403, 404, 409, 422),
        opt=raises(NotAdmin, NotAGroup, CannotMessage),
    )
    async def set_role(
        self,
        conversation_id: ConversationIdPath,
        user_id: UserIdPath,
        data: JSONBody[RoleRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ConversationResponse:
        view = await alora.bus.handle(
            c.SetMemberRole(
                actor=actor,
                conversation_id=path_id(conversation_id, "conversation"),
                user_id=path_id(user_id, "member"),
                role=MemberRole(data.role),
            )
        )
        return ConversationResponse.of(view)

    @post(
        "/{conversation_id:str}/mute",
        status_code=HTTP_200_OK,
        summary="Mute a conversation",
        description="No notifications or emails of it for the caller until `until` (in the "
        "future, at most in 2199), or until unmuted without it. Messages still arrive on the "
        f"WebSocket and count as unread. {_ANSWER}",
        responses=problem_responses(400, 401, 403, 404, 422),
    )
    async def mute(
        self,
        conversation_id: ConversationIdPath,
        data: JSONBody[MuteRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ConversationResponse:
        view = await alora.bus.handle(
            c.MuteConversation(
                actor=actor,
                conversation_id=path_id(conversation_id, "conversation"),
                until=data.until,
            )
        )
        return ConversationResponse.of(view)

    @delete(
        "/{conversation_id:str}/mute",
        status_code=HTTP_200_OK,
        summary="Unmute a conversation",
        description=f"Notifications of it resume. {_ANSWER}",
        responses=problem_responses(401, 403, 404),
    )
    async def unmute(
        self,
        conversation_id: ConversationIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> ConversationResponse:
        view = await alora.bus.handle(
            c.UnmuteConversation(
                actor=actor, conversation_id=path_id(conversation_id, "conversation")
            )
        )
        return ConversationResponse.of(view)
