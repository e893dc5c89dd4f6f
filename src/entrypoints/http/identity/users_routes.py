"""``/api/v1/users``: the signed-in user's profile and settings, and public profiles."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, patch, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from alora_core.identity import commands as c
from alora_core.identity.use_cases import Principal
from alora_core.shared.actor import Actor
from entrypoints.bootstrap import Alora
from entrypoints.http.auth import provide_principal, viewer_of
from entrypoints.http.base import BEARER_SECURITY, OPTIONAL_BEARER, problem_responses
from entrypoints.http.identity.params import UserIdPath
from entrypoints.http.identity.schemas import (
    PublicProfileResponse,
    SettingsSchema,
    UpdateProfileRequest,
    UserResponse,
)
from entrypoints.http.params import path_id


class UsersController(Controller):
    path = "/api/v1/users"
    tags = ["users"]

    @get(
        "/me",
        summary="The signed-in user's profile",
        description="The same as `GET /api/v1/auth/me`.",
        security=BEARER_SECURITY,
        responses=problem_responses(401),
    )
    async def get_me(self, request: Request[Any, Any, Any]) -> UserResponse:
        # A hot path: the caller is read here rather than through dependency injection.
        return UserResponse.of((await provide_principal(request)).user)

    @patch(
        "/me",
        summary="Update the signed-in user's profile",
        description="Only the fields present in the body change; `avatarFileId` and "
        "`address` may be `null` to clear them. `avatarFileId` is an image the user uploaded: "
        "anyone else's file, a PDF or an unknown id is the same 422 (`unknown-file`). 409 when "
        "a concurrent change won; try again.",
        security=BEARER_SECURITY,
        responses=problem_responses(400, 401, 403, 409, 422),
    )
    async def update_me(
        self,
        data: JSONBody[UpdateProfileRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> UserResponse:
        user = await alora.bus.handle(c.UpdateProfile(actor=actor, changes=data.changes()))
        return UserResponse.of(user)

    @get(
        "/me/settings",
        summary="The signed-in user's settings",
        description="Notification, privacy and display preferences, with the defaults for any the "
        "user never set.",
        security=BEARER_SECURITY,
        responses=problem_responses(401),
    )
    async def get_settings(
        self, actor: NamedDependency[Actor], alora: NamedDependency[Alora]
    ) -> SettingsSchema:
        settings = await alora.bus.handle(c.GetSettings(actor=actor))
        return SettingsSchema.of(settings)

    @put(
        "/me/settings",
        summary="Replace the signed-in user's settings",
        description="Replaces the whole object: a field left out takes its default value. "
        "`quietHoursStart` and `quietHoursEnd` go together: both times, or both `null`. "
        "409 when a concurrent change won; try again.",
        security=BEARER_SECURITY,
        responses=problem_responses(400, 401, 403, 409, 422),
    )
    async def replace_settings(
        self,
        data: JSONBody[SettingsSchema],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
    ) -> SettingsSchema:
        settings = await alora.bus.handle(c.ReplaceSettings(actor=actor, settings=data.to_domain()))
        return SettingsSchema.of(settings)

    @get(
        "/{user_id:str}",
        summary="A user's public profile",
        description=(
            "Public profiles are visible to anyone; profiles visible to `registered` users "
            "need an access token; private profiles, suspended users and administrators "
            "answer 404 to others. Email and phone appear only when the user shows them."
        ),
        security=OPTIONAL_BEARER,
        responses=problem_responses(401, 404),
    )
    async def public_profile(
        self,
        user_id: UserIdPath,
        optional_principal: NamedDependency[Principal | None],
        alora: NamedDependency[Alora],
    ) -> PublicProfileResponse:
        viewer = viewer_of(optional_principal)
        profile = await alora.bus.handle(
            c.GetPublicProfile(viewer=viewer, user_id=path_id(user_id, "user"))
        )
        return PublicProfileResponse.of(profile)
