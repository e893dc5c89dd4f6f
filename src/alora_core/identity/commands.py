"""Identity's commands: one frozen class per intention."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from attrs import field, frozen

from alora_core.identity.model import Role, UserSettings
from alora_core.shared.actor import Actor


@frozen(kw_only=True)
class RegisterUser:
    full_name: str
    username: str
    email: str
    phone: str
    password: str = field(repr=False)
    role: str


@frozen(kw_only=True)
class CreateAdmin:
    full_name: str
    username: str
    email: str
    password: str = field(repr=False)


@frozen(kw_only=True)
class VerifyEmail:
    email: str
    code: str = field(repr=False)


@frozen(kw_only=True)
class ResendVerification:
    email: str


@frozen(kw_only=True)
class Login:
    identifier: str
    password: str = field(repr=False)
    user_agent: str = ""
    ip: str = ""


@frozen(kw_only=True)
class RefreshSession:
    refresh_token: str = field(repr=False)
    user_agent: str = ""
    ip: str = ""


@frozen(kw_only=True)
class Authenticate:
    access_token: str = field(repr=False)


@frozen(kw_only=True)
class Logout:
    actor: Actor


@frozen(kw_only=True)
class UpdateProfile:
    """Change the named fields only: full_name, bio, avatar_file_id, address, social_links."""

    actor: Actor
    changes: Mapping[str, Any]


@frozen(kw_only=True)
class GetSettings:
    actor: Actor


@frozen(kw_only=True)
class ReplaceSettings:
    actor: Actor
    settings: UserSettings


@frozen(kw_only=True)
class GetPublicProfile:
    viewer: Actor
    user_id: uuid.UUID


@frozen(kw_only=True)
class ForgotPassword:
    email: str


@frozen(kw_only=True)
class ResetPassword:
    email: str
    code: str = field(repr=False)
    new_password: str = field(repr=False)


@frozen(kw_only=True)
class ChangePassword:
    actor: Actor
    current_password: str = field(repr=False)
    new_password: str = field(repr=False)


@frozen(kw_only=True)
class ListMySessions:
    actor: Actor


@frozen(kw_only=True)
class RevokeMySession:
    actor: Actor
    session_id: uuid.UUID


@frozen(kw_only=True)
class ListUsers:
    actor: Actor
    role: Role | None = None
    text: str | None = None
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class GetUser:
    actor: Actor
    user_id: uuid.UUID


@frozen(kw_only=True)
class AdminUpdateUser:
    """Change the named fields only: full_name, username, email, phone, role, email_verified."""

    actor: Actor
    user_id: uuid.UUID
    changes: Mapping[str, Any]


@frozen(kw_only=True)
class DeleteUser:
    actor: Actor
    user_id: uuid.UUID


@frozen(kw_only=True)
class SuspendUser:
    actor: Actor
    user_id: uuid.UUID
    reason: str = ""


@frozen(kw_only=True)
class UnsuspendUser:
    actor: Actor
    user_id: uuid.UUID


@frozen(kw_only=True)
class ListSessions:
    actor: Actor
    user_id: uuid.UUID | None = None
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class AdminRevokeSession:
    actor: Actor
    session_id: uuid.UUID


@frozen(kw_only=True)
class ListAuditLog:
    actor: Actor
    action: str | None = None
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class PurgeExpiredCodes:
    """Delete one-time codes that expired or were used up (a scheduled job)."""


@frozen(kw_only=True)
class PurgeEndedSessions:
    """Delete sessions that ended (expired or were revoked) more than ``keep_ended`` ago."""

    keep_ended: timedelta = timedelta(days=1)
