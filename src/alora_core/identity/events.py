"""Identity's events. ``name`` is the wire name used by the outbox and the README catalogue."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from attrs import frozen

from alora_core.shared.events import DomainEvent
from alora_core.shared.secrets import secret


@frozen(kw_only=True)
class UserRegistered(DomainEvent):
    name: ClassVar[str] = "user.registered"
    user_id: uuid.UUID
    email: str
    full_name: str
    role: str


@frozen(kw_only=True)
class CodeIssued(DomainEvent):
    """A one-time code to email. Identity stores only its hash; the code itself travels in this
    event, sealed wherever the event is stored (``shared.secrets``)."""

    name: ClassVar[str] = "user.code_issued"
    user_id: uuid.UUID
    email: str
    full_name: str
    purpose: str
    code: str = secret()
    expires_in_minutes: int


@frozen(kw_only=True)
class CodeRequested(DomainEvent):
    """A code was asked for at this address (password reset, verification); whether an account
    is there and due one is the job's to find out, so the request costs the same either way."""

    name: ClassVar[str] = "user.code_requested"
    email: str
    purpose: str


@frozen(kw_only=True)
class EmailVerified(DomainEvent):
    name: ClassVar[str] = "user.email_verified"
    user_id: uuid.UUID
    email: str


@frozen(kw_only=True)
class UserUpdated(DomainEvent):
    name: ClassVar[str] = "user.updated"
    user_id: uuid.UUID
    fields: list[str]


@frozen(kw_only=True)
class UserSuspended(DomainEvent):
    name: ClassVar[str] = "user.suspended"
    user_id: uuid.UUID
    reason: str


@frozen(kw_only=True)
class UserUnsuspended(DomainEvent):
    name: ClassVar[str] = "user.unsuspended"
    user_id: uuid.UUID


@frozen(kw_only=True)
class UserDeleted(DomainEvent):
    name: ClassVar[str] = "user.deleted"
    user_id: uuid.UUID
    email: str
    full_name: str


@frozen(kw_only=True)
class SessionRevokedForReuse(DomainEvent):
    name: ClassVar[str] = "session.revoked_for_reuse"
    user_id: uuid.UUID
    session_id: uuid.UUID


@frozen(kw_only=True)
class SessionRevoked(DomainEvent):
    """A session ended before its time: logout, revoked by its user or an administrator,
    retired beyond the session limit, or ended with a password change or a suspension."""

    name: ClassVar[str] = "session.revoked"
    user_id: uuid.UUID
    session_id: uuid.UUID
    reason: str


@frozen(kw_only=True)
class PasswordChanged(DomainEvent):
    name: ClassVar[str] = "user.password_changed"
    user_id: uuid.UUID


@frozen(kw_only=True)
class NewDeviceSignedIn(DomainEvent):
    """A sign-in from a device the account has not used before (not its very first one)."""

    name: ClassVar[str] = "user.new_device_signed_in"
    user_id: uuid.UUID
    user_agent: str
    ip: str
    signed_in_at: datetime
