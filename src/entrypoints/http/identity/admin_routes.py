"""``/api/v1/admin``: users, sessions and the audit log, for administrators only (else 403)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from alora_core.identity import commands as c
from alora_core.identity.model import Role
from alora_core.shared.actor import Actor
from alora_core.shared.errors import Invalid
from alora_core.shared.ids import parse_id
from entrypoints.bootstrap import Alora
from entrypoints.http.base import BEARER_SECURITY, problem_responses
from entrypoints.http.identity.params import SessionIdPath, UserIdPath
from entrypoints.http.identity.schemas import (
    NO_NUL,
    AdminUpdateUserRequest,
    AdminUserResponse,
    AuditLogPage,
    SessionPage,
    SuspendRequest,
    UserPage,
)
from entrypoints.http.params import PageNumber, PageSize, path_id

RoleFilter = Annotated[Role | None, QueryParameter(description="Only users with this role.")]
SearchText = Annotated[
    str | None,
    QueryParameter(
        name="q",
        max_length=100,
        pattern=NO_NUL,
        description="Matches name, username, email or phone.",
    ),
]
UserFilter = Annotated[
    str | None,
    QueryParameter(
        name="userId", max_length=64, format="uuid", description="Only this user's (a UUID)."
    ),
]
ActionFilter = Annotated[
    str | None,
    QueryParameter(
        max_length=100, pattern=NO_NUL, description="Only this action, e.g. `user.suspend`."
    ),
]


class AdminController(Controller):
    path = "/api/v1/admin"
    tags = ["admin"]
    security = BEARER_SECURITY

    @get(
        "/users",
        summary="Search users",
        description="Newest first, filtered by role and text, in numbered pages with totals.",
        responses=problem_responses(401, 403, 422),
    )
    async def list_users(
        self,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        role: RoleFilter = None,
        q: SearchText = None,
        page: PageNumber = 1,
        page_size: PageSize = 20,
    ) -> UserPage:
        result = await alora.bus.handle(
            c.ListUsers(actor=actor, role=role, text=q, page=page, page_size=page_size)
        )
        return UserPage.of(result)

    @get(
        "/users/{user_id:str}",
        summary="One user, as administrators see it",
        description="Administrators only: every field, with the suspension and verification state.",
        responses=problem_responses(401, 403, 404),
    )
    async def get_user(
        self, user_id: UserIdPath, actor: NamedDependency[Actor], alora: NamedDependency[Alora]
    ) -> AdminUserResponse:
        user = await alora.bus.handle(c.GetUser(actor=actor, user_id=path_id(user_id, "user")))
        return AdminUserResponse.of(user)

    @patch(
        "/users/{user_id:str}",
        summary="Change a user",
        description="Only the fields present change. Administrators cannot change their own "
        "role (409). Email, username and phone must stay unique (409 names the field).",
        responses=problem_responses(400, 401, 403, 404, 409, 422),
    )
    async def update_user(
        self,
        user_id: UserIdPath,
        data: JSONBody[AdminUpdateUserRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> AdminUserResponse:
        user = await alora.bus.handle(
            c.AdminUpdateUser(actor=actor, user_id=path_id(user_id, "user"), changes=data.changes())
        )
        return AdminUserResponse.of(user)

    @delete(
        "/users/{user_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a user",
        description="Deletes the user with their sessions. Administrators cannot delete "
        "themselves (409).",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def delete_user(
        self, user_id: UserIdPath, actor: NamedDependency[Actor], alora: NamedDependency[Alora]
    ) -> None:
        await alora.bus.handle(c.DeleteUser(actor=actor, user_id=path_id(user_id, "user")))

    @post(
        "/users/{user_id:str}/suspend",
        status_code=200,
        summary="Suspend a user",
        description="The user is signed out everywhere and cannot sign in until unsuspended.",
        responses=problem_responses(400, 401, 403, 404, 409, 422),
    )
    async def suspend_user(
        self,
        user_id: UserIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        data: JSONBody[SuspendRequest | None] = None,
    ) -> AdminUserResponse:
        reason = "" if data is None else data.reason
        user = await alora.bus.handle(
            c.SuspendUser(actor=actor, user_id=path_id(user_id, "user"), reason=reason)
        )
        return AdminUserResponse.of(user)

    @post(
        "/users/{user_id:str}/unsuspend",
        status_code=200,
        summary="Lift a user's suspension",
        description="Administrators only; the user may sign in again (their old sessions stay "
        "ended). 409 when the user is not suspended. Audited.",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def unsuspend_user(
        self, user_id: UserIdPath, actor: NamedDependency[Actor], alora: NamedDependency[Alora]
    ) -> AdminUserResponse:
        user = await alora.bus.handle(
            c.UnsuspendUser(actor=actor, user_id=path_id(user_id, "user"))
        )
        return AdminUserResponse.of(user)

    @get(
        "/sessions",
        summary="Active sessions",
        description="Newest first, optionally of one user, in numbered pages with totals.",
        responses=problem_responses(401, 403, 422),
    )
    async def list_sessions(
        self,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        user_id: UserFilter = None,
        page: PageNumber = 1,
        page_size: PageSize = 20,
    ) -> SessionPage:
        wanted = None
        if user_id is not None:
            wanted = parse_id(user_id)
            if wanted is None:
                raise Invalid.field("userId", "must be a user id (UUID)")
        result = await alora.bus.handle(
            c.ListSessions(actor=actor, user_id=wanted, page=page, page_size=page_size)
        )
        return SessionPage.of(result)

    @delete(
        "/sessions/{session_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Revoke a session",
        description="Its access tokens stop working at once; 404 for an unknown or ended one, "
        "409 when a concurrent change won (try again).",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def revoke_session(
        self,
        session_id: SessionIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> None:
        await alora.bus.handle(
            c.AdminRevokeSession(actor=actor, session_id=path_id(session_id, "session"))
        )

    @get(
        "/audit-log",
        summary="The audit log",
        description="Administrative actions, newest first, optionally of one action.",
        responses=problem_responses(401, 403, 422),
    )
    async def audit_log(
        self,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        action: ActionFilter = None,
        page: PageNumber = 1,
        page_size: PageSize = 20,
    ) -> AuditLogPage:
        result = await alora.bus.handle(
            c.ListAuditLog(actor=actor, action=action, page=page, page_size=page_size)
        )
        return AuditLogPage.of(result)
