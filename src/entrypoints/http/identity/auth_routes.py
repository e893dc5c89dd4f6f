"""``/api/v1/auth``: sign-up, email verification, sign-in, tokens, passwords and own sessions."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT
from msgspec import UNSET

from alora_core.identity import commands as c
from alora_core.identity.errors import AccountSuspended, InvalidCredentials
from alora_core.identity.use_cases import LoginResult
from alora_core.shared.actor import Actor, Role
from entrypoints.bootstrap import Alora
from entrypoints.http.auth import (
    auth_cookies,
    auth_rate_limit,
    cleared_auth_cookies,
    provide_principal,
    refresh_token_from,
    same_site_browser,
)
from entrypoints.http.base import BEARER_SECURITY, problem_responses, raises
from entrypoints.http.client import client_ip, user_agent
from entrypoints.http.identity.params import SessionIdPath
from entrypoints.http.identity.schemas import (
    AcceptedResponse,
    ChangePasswordRequest,
    EmailRequest,
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    ResetPasswordRequest,
    SessionResponse,
    TokenResponse,
    UserResponse,
    VerifyEmailRequest,
)
from entrypoints.http.params import path_id
from entrypoints.settings import Settings

PUBLIC_GUARDS = [auth_rate_limit, same_site_browser]
"""Guards of the public auth routes: rate-limited per client IP (``ALORA_AUTH_RATE_PER_MINUTE``),
and a browser's request must come from an allowed site (403 ``cross-site``, no login CSRF)."""


def _tokens(result: LoginResult, settings: Settings) -> Response[TokenResponse]:
    """Tokens in the body and as cookies; never cached (RFC 6749 section 5.1)."""
    return Response(
        TokenResponse.of(result),
        cookies=auth_cookies(result, settings),
        headers={"Cache-Control": "no-store"},
    )


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]

    @post(
        "/register",
        status_code=HTTP_201_CREATED,
        summary="Create an account",
        description=(
            "Registers a customer or a professional and emails a 6-digit code to verify the "
            "email address. Email, username and phone must be unused, the email and username "
            "not even in a form that only looks alike (fullwidth letters, Cyrillic for Latin: "
            "409 names the field); a username or an email's local part that mixes scripts is "
            "a 422 `mixed-script`."
        ),
        responses=problem_responses(400, 403, 409, 422, 429),
        guards=PUBLIC_GUARDS,
    )
    async def register(
        self, data: JSONBody[RegisterRequest], alora: NamedDependency[Alora]
    ) -> UserResponse:
        user = await alora.bus.handle(
            c.RegisterUser(
                full_name=data.full_name,
                username=data.username,
                email=data.email,
                phone=data.phone,
                password=data.password,
                role=Role(data.role),
            )
        )
        return UserResponse.of(user)

    @post(
        "/verify-email",
        status_code=200,
        summary="Verify the email address",
        description=(
            "Checks the emailed code; each code allows a few attempts, and each account a "
            "few wrong codes a day (`ALORA_CODE_MAX_FAILURES`), then 429. A wrong, expired or "
            "used-up code, an unknown address and an address already verified all answer the "
            "same 422 (`code-wrong`), so accounts cannot be probed. 409 when a concurrent "
            "attempt at the same code won; try again."
        ),
        responses=problem_responses(400, 403, 409, 422, 429),
        guards=PUBLIC_GUARDS,
    )
    async def verify_email(
        self, data: JSONBody[VerifyEmailRequest], alora: NamedDependency[Alora]
    ) -> UserResponse:
        user = await alora.bus.handle(c.VerifyEmail(email=data.email, code=data.code))
        return UserResponse.of(user)

    @post(
        "/resend-verification",
        status_code=HTTP_202_ACCEPTED,
        summary="Send a new verification code",
        description=(
            "Always 202, whether or not the address belongs to an unverified account, so "
            "accounts cannot be probed. Codes are sent at most once a minute."
        ),
        responses=problem_responses(400, 403, 422, 429),
        guards=PUBLIC_GUARDS,
    )
    async def resend_verification(
        self, data: JSONBody[EmailRequest], alora: NamedDependency[Alora]
    ) -> AcceptedResponse:
        await alora.bus.handle(c.ResendVerification(email=data.email))
        return AcceptedResponse(
            detail="If the address belongs to an unverified account, a new code is on its way."
        )

    @post(
        "/login",
        status_code=200,
        summary="Sign in",
        description=(
            "The identifier is the email, username or phone number; the email must be "
            "verified. Returns the tokens and also sets them as HttpOnly cookies "
            "(`alora_access`, `alora_refresh`). Repeated failures answer 429; 409 when "
            "concurrent sign-ins of the account kept clashing (try again)."
        ),
        responses=problem_responses(400, 401, 403, 409, 422, 429),
        opt=raises(InvalidCredentials, AccountSuspended),
        guards=PUBLIC_GUARDS,
    )
    async def login(
        self,
        data: JSONBody[LoginRequest],
        request: Request[Any, Any, Any],
        alora: NamedDependency[Alora],
        settings: NamedDependency[Settings],
    ) -> Response[TokenResponse]:
        result = await alora.bus.handle(
            c.Login(
                identifier=data.identifier,
                password=data.password,
                user_agent=user_agent(request),
                ip=client_ip(request, settings.trust_forwarded),
            )
        )
        return _tokens(result, settings)

    @post(
        "/refresh",
        status_code=200,
        summary="Exchange a refresh token for new tokens",
        description=(
            "Takes `refreshToken` from the body, or else the `alora_refresh` cookie. The "
            "refresh token rotates: the old one stops working, and presenting it again "
            "revokes the whole session (401)."
        ),
        responses=problem_responses(400, 401, 403, 422, 429),
        guards=PUBLIC_GUARDS,
    )
    async def refresh(
        self,
        request: Request[Any, Any, Any],
        alora: NamedDependency[Alora],
        settings: NamedDependency[Settings],
        data: JSONBody[RefreshRequest | None] = None,
    ) -> Response[TokenResponse]:
        body_token = None if data is None or data.refresh_token is UNSET else data.refresh_token
        token = refresh_token_from(request, body_token, settings)
        result = await alora.bus.handle(
            c.RefreshSession(
                refresh_token=token,
                user_agent=user_agent(request),
                ip=client_ip(request, settings.trust_forwarded),
            )
        )
        return _tokens(result, settings)

    @post(
        "/logout",
        status_code=HTTP_204_NO_CONTENT,
        summary="Sign out",
        description="Revokes the current session (its access tokens stop working at once) "
        "and clears the auth cookies. 409 when a concurrent change won; try again.",
        security=BEARER_SECURITY,
        responses=problem_responses(401, 403, 409),
    )
    async def logout(
        self,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        settings: NamedDependency[Settings],
    ) -> Response[None]:
        await alora.bus.handle(c.Logout(actor=actor))
        return Response(None, cookies=cleared_auth_cookies(settings))

    @get(
        "/me",
        summary="The signed-in user",
        description="The account of the access token's user (as `GET /api/v1/users/me`), read on "
        "every call: a suspended or signed-out session answers 401.",
        security=BEARER_SECURITY,
        responses=problem_responses(401),
    )
    async def me(self, request: Request[Any, Any, Any]) -> UserResponse:
        # A hot path: the caller is read here rather than through dependency injection.
        return UserResponse.of((await provide_principal(request)).user)

    @post(
        "/forgot-password",
        status_code=HTTP_202_ACCEPTED,
        summary="Email a password-reset code",
        description=(
            "Always 202, after the same work, whether or not the address belongs to an "
            "account; the code is issued and emailed in the background."
        ),
        responses=problem_responses(400, 403, 422, 429),
        guards=PUBLIC_GUARDS,
    )
    async def forgot_password(
        self, data: JSONBody[EmailRequest], alora: NamedDependency[Alora]
    ) -> AcceptedResponse:
        await alora.bus.handle(c.ForgotPassword(email=data.email))
        return AcceptedResponse(
            detail="If the address belongs to an account, a reset code is on its way."
        )

    @post(
        "/reset-password",
        status_code=HTTP_204_NO_CONTENT,
        summary="Set a new password with an emailed code",
        description=(
            "Signs the user out of every session. The code is checked first, the same way "
            "for every address: a wrong code answers 422 (`code-wrong`), and the account's "
            "wrong codes are limited per day (`ALORA_CODE_MAX_FAILURES`, then 429). 409 when "
            "a concurrent change won; try again."
        ),
        responses=problem_responses(400, 403, 409, 422, 429),
        guards=PUBLIC_GUARDS,
    )
    async def reset_password(
        self, data: JSONBody[ResetPasswordRequest], alora: NamedDependency[Alora]
    ) -> None:
        await alora.bus.handle(
            c.ResetPassword(email=data.email, code=data.code, new_password=data.new_password)
        )

    @post(
        "/change-password",
        status_code=HTTP_204_NO_CONTENT,
        summary="Change the password",
        description=(
            "Needs the current password. Signs the user out of every session, this one "
            "included, and clears the auth cookies. Wrong current passwords count against the "
            "account's sign-in budget (`ALORA_LOGIN_MAX_FAILURES`): then 429 with "
            "`Retry-After`."
        ),
        security=BEARER_SECURITY,
        responses=problem_responses(400, 401, 403, 409, 422, 429),
        opt=raises(InvalidCredentials),
    )
    async def change_password(
        self,
        data: JSONBody[ChangePasswordRequest],
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        settings: NamedDependency[Settings],
    ) -> Response[None]:
        await alora.bus.handle(
            c.ChangePassword(
                actor=actor,
                current_password=data.current_password,
                new_password=data.new_password,
            )
        )
        return Response(None, cookies=cleared_auth_cookies(settings))

    @get(
        "/sessions",
        summary="The signed-in user's active sessions",
        description="Newest first; `current` marks the session making this request.",
        security=BEARER_SECURITY,
        responses=problem_responses(401),
    )
    async def sessions(
        self, actor: NamedDependency[Actor], alora: NamedDependency[Alora]
    ) -> list[SessionResponse]:
        sessions = await alora.bus.handle(c.ListMySessions(actor=actor))
        return [SessionResponse.of(session, actor.session_id) for session in sessions]

    @delete(
        "/sessions/{session_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Sign out one of the user's sessions",
        description="404 for a session that is not the caller's own. Revoking the current "
        "session also clears the auth cookies. 409 when a concurrent change won; try again.",
        security=BEARER_SECURITY,
        responses=problem_responses(401, 403, 404, 409),
    )
    async def revoke_session(
        self,
        session_id: SessionIdPath,
        actor: NamedDependency[Actor],
        alora: NamedDependency[Alora],
        settings: NamedDependency[Settings],
    ) -> Response[None]:
        target = path_id(session_id, "session")
        await alora.bus.handle(c.RevokeMySession(actor=actor, session_id=target))
        cookies = cleared_auth_cookies(settings) if target == actor.session_id else []
        return Response(None, cookies=cookies)
