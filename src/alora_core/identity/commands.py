"""Identity's commands: one frozen class per intention."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from attrs import field, frozen

from alora_core.identity.model import Role, Session, User, UserSettings
from alora_core.identity.queries import LoginResult, Principal, PublicProfile
from alora_core.shared.actor import Actor
from alora_core.shared.audit import AuditEntry
from alora_core.shared.commands import Command
from alora_core.shared.pagination import Page


@frozen(kw_only=True)
class RegisterUser(Command[User]):
    full_name: str
    username: str
    email: str
    phone: str
    password: str = field(repr=False)
    role: Role
    """Customer or professional: administrators are made with ``CreateAdmin``."""


@frozen(kw_only=True)
class CreateAdmin(Command[User]):
    full_name: str
    username: str
    email: str
    password: str = field(repr=False)


@frozen(kw_only=True)
class VerifyEmail(Command[User]):
    email: str
    code: str = field(repr=False)


@frozen(kw_only=True)
class ResendVerification(Command[None]):
    email: str


@frozen(kw_only=True)
class Login(Command[LoginResult]):
    identifier: str
    password: str = field(repr=False)
    user_agent: str = ""
    ip: str = ""


@frozen(kw_only=True)
class RefreshSession(Command[LoginResult]):
    refresh_token: str = field(repr=False)
    user_agent: str = ""
    ip: str = ""


@frozen(kw_only=True)
class Authenticate(Command[Principal]):
    access_token: str = field(repr=False)


@frozen(kw_only=True)
class Logout(Command[None]):
    actor: Actor


@frozen(kw_only=True)
class UpdateProfile(Command[User]):
    """Change the named fields only: full_name, bio, avatar_file_id, address, social_links."""

    actor: Actor
    changes: Mapping[str, Any]


@frozen(kw_only=True)
class GetSettings(Command[UserSettings]):
    actor: Actor


@frozen(kw_only=True)
class ReplaceSettings(Command[UserSettings]):
    actor: Actor
    settings: UserSettings


@frozen(kw_only=True)
class GetPublicProfile(Command[PublicProfile]):
    viewer: Actor
    user_id: uuid.UUID


@frozen(kw_only=True)
class ForgotPassword(Command[None]):
    email: str


@frozen(kw_only=True)
class ResetPassword(Command[None]):
    email: str
    code: str = field(repr=False)
    new_password: str = field(repr=False)


@frozen(kw_only=True)
class ChangePassword(Command[None]):
    actor: Actor
    current_password: str = field(repr=False)
    new_password: str = field(repr=False)


@frozen(kw_only=True)
class ListMySessions(Command[list[Session]]):
    actor: Actor


@frozen(kw_only=True)
class RevokeMySession(Command[None]):
    actor: Actor
    session_id: uuid.UUID


@frozen(kw_only=True)
class ListUsers(Command[Page[User]]):
    actor: Actor
    role: Role | None = None
    text: str | None = None
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class GetUser(Command[User]):
    actor: Actor
    user_id: uuid.UUID


@frozen(kw_only=True)
class AdminUpdateUser(Command[User]):
    """Change the named fields only: full_name, username, email, phone, role, email_verified."""

    actor: Actor
    user_id: uuid.UUID
    changes: Mapping[str, Any]


@frozen(kw_only=True)
class DeleteUser(Command[None]):
    actor: Actor
    user_id: uuid.UUID


@frozen(kw_only=True)
class SuspendUser(Command[User]):
    actor: Actor
    user_id: uuid.UUID
    reason: str = ""


@frozen(kw_only=True)
class UnsuspendUser(Command[User]):
    actor: Actor
    user_id: uuid.UUID


@frozen(kw_only=True)
class ListSessions(Command[Page[Session]]):
    actor: Actor
    user_id: uuid.UUID | None = None
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class AdminRevokeSession(Command[None]):
    actor: Actor
    session_id: uuid.UUID


@frozen(kw_only=True)
class ListAuditLog(Command[Page[AuditEntry]]):
    actor: Actor
    action: str | None = None
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class PurgeExpiredCodes(Command[int]):
    """Delete one-time codes that expired or were used up (a scheduled job)."""


@frozen(kw_only=True)
class PurgeEndedSessions(Command[int]):
    """Delete sessions that ended (expired or were revoked) more than ``keep_ended`` ago."""

    keep_ended: timedelta = timedelta(days=1)
