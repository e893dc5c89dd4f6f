"""Identity aggregates: User, Session (a refresh-token family) and OneTimeCode."""

from __future__ import annotations

import enum
import hashlib
import re
import uuid
from datetime import datetime, timedelta

from attrs import define, field, frozen

from alora_core.identity import events
from alora_core.identity.errors import AccountSuspended
from alora_core.shared.actor import Role as Role  # users' roles are the shared kernel's
from alora_core.shared.errors import Conflict, Unauthenticated
from alora_core.shared.events import EventRecorder
from alora_core.shared.ids import new_id


class Visibility(enum.StrEnum):
    PUBLIC = "public"
    REGISTERED = "registered"
    PRIVATE = "private"


class Theme(enum.StrEnum):
    LIGHT = "light"
    DARK = "dark"
    SYSTEM = "system"


@frozen(kw_only=True)
class Address:
    street: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""


@frozen(kw_only=True)
class UserSettings:
    email_notifications: bool = True
    push_notifications: bool = True
    sms_notifications: bool = False
    marketing_emails: bool = False
    booking_reminders: bool = True
    review_notifications: bool = True
    profile_visibility: Visibility = Visibility.PUBLIC
    show_email: bool = False
    show_phone: bool = False
    allow_direct_messages: bool = True
    show_read_receipts: bool = True
    theme: Theme = Theme.SYSTEM
    language: str = "en"
    timezone: str = "UTC"
    # Quiet hours: "HH:MM" (24 h) local times in ``timezone``, both set or neither.
    quiet_hours_start: str | None = None
    quiet_hours_end: str | None = None


MAX_USER_AGENT_LENGTH = 512
_BLANKS = re.compile(r"[\s\x00-\x1f\x7f]+")


@frozen
class Device:
    """What a sign-in came from, as far as its user agent tells: the same text, the same device.

    The text is cleaned (control characters and runs of spaces become one space) and capped, and
    ``hash`` is its SHA-256, the key under which the user's devices are remembered.
    """

    user_agent: str
    hash: str

    @classmethod
    def of(cls, user_agent: str) -> Device:
        text = _BLANKS.sub(" ", user_agent).strip()[:MAX_USER_AGENT_LENGTH]
        return cls(text, hashlib.sha256(text.encode()).hexdigest())


@define(slots=False, kw_only=True)
class User(EventRecorder):
    full_name: str
    username: str
    email: str
    phone: str | None
    password_hash: str
    role: Role
    created_at: datetime
    id: uuid.UUID = field(factory=new_id)
    email_verified_at: datetime | None = None
    suspended_at: datetime | None = None
    suspension_reason: str | None = None
    bio: str = ""
    avatar_file_id: uuid.UUID | None = None
    address: Address | None = None
    social_links: dict[str, str] = field(factory=dict)
    settings: UserSettings = field(factory=UserSettings)
    updated_at: datetime | None = None
    last_login_at: datetime | None = None
    email_skeleton: str | None = None
    """What the email looks like (``LookAlikes.skeleton``), unique among users so that an
    address only looking like a registered one is taken too. None on an account that looked
    like an older one when skeletons began to be kept."""
    username_skeleton: str | None = None
    """What the username looks like, unique among users the same way."""
    version: int = 1

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def suspended(self) -> bool:
        return self.suspended_at is not None

    def ensure_can_sign_in(self, require_verified_email: bool) -> None:
        if self.suspended:
            raise AccountSuspended("this account is suspended")
        if require_verified_email and not self.email_verified:
            raise Unauthenticated("verify your email address before signing in")

    def verify_email(self, now: datetime) -> None:
        if self.email_verified_at is not None:
            raise Conflict("the email address is already verified")
        self.email_verified_at = now
        self.updated_at = now
        self.record(events.EmailVerified(occurred_at=now, user_id=self.id, email=self.email))

    def change_password_hash(self, password_hash: str, now: datetime) -> None:
        self.password_hash = password_hash
        self.updated_at = now

    def update_profile(self, now: datetime, **changes: object) -> None:
        """Set profile fields: full_name, bio, avatar_file_id, address, social_links."""
        allowed = {"full_name", "bio", "avatar_file_id", "address", "social_links"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"not profile fields: {sorted(unknown)}")
        for name, value in changes.items():
            setattr(self, name, value)
        self.updated_at = now
        self.record(events.UserUpdated(occurred_at=now, user_id=self.id, fields=sorted(changes)))

    def replace_settings(self, settings: UserSettings, now: datetime) -> None:
        self.settings = settings
        self.updated_at = now
        self.record(events.UserUpdated(occurred_at=now, user_id=self.id, fields=["settings"]))

    def record_changes(self, fields: list[str], now: datetime) -> None:
        """Fields an administrator set directly were changed (``UserUpdated``, when any)."""
        self.updated_at = now
        if fields:
            self.record(events.UserUpdated(occurred_at=now, user_id=self.id, fields=fields))

    def change_role(self, role: Role, now: datetime) -> None:
        self.role = role
        self.updated_at = now
        self.record(events.UserUpdated(occurred_at=now, user_id=self.id, fields=["role"]))

    def suspend(self, reason: str, now: datetime) -> None:
        if self.suspended:
            raise Conflict("the user is already suspended")
        self.suspended_at = now
        self.suspension_reason = reason
        self.updated_at = now
        self.record(events.UserSuspended(occurred_at=now, user_id=self.id, reason=reason))

    def unsuspend(self, now: datetime) -> None:
        if not self.suspended:
            raise Conflict("the user is not suspended")
        self.suspended_at = None
        self.suspension_reason = None
        self.updated_at = now
        self.record(events.UserUnsuspended(occurred_at=now, user_id=self.id))

    def signed_in_from_new_device(self, device: Device, ip: str, now: datetime) -> None:
        self.record(
            events.NewDeviceSignedIn(
                occurred_at=now,
                user_id=self.id,
                user_agent=device.user_agent,
                ip=ip,
                signed_in_at=now,
            )
        )

    def mark_deleted(self, now: datetime) -> None:
        self.record(
            events.UserDeleted(
                occurred_at=now, user_id=self.id, email=self.email, full_name=self.full_name
            )
        )


class RevokeReason(enum.StrEnum):
    LOGOUT = "logout"
    USER = "revoked_by_user"
    ADMIN = "revoked_by_admin"
    TOKEN_REUSE = "refresh_token_reuse"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    SUSPENDED = "user_suspended"
    SESSION_LIMIT = "session_limit"
    USER_DELETED = "user_deleted"


@define(slots=False, kw_only=True)
class Session(EventRecorder):
    """One login: a family of refresh tokens, each replacing the one before it."""

    user_id: uuid.UUID
    token_hash: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime
    user_agent: str = ""
    ip: str = ""
    id: uuid.UUID = field(factory=new_id)
    revoked_at: datetime | None = None
    revoke_reason: RevokeReason | None = None
    version: int = 1

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at

    def rotate(self, presented_hash: str, new_hash: str, now: datetime) -> None:
        """Swap the current refresh token for a new one; reuse of an older one kills the family."""
        if not self.is_active(now):
            raise Unauthenticated("the session has ended; sign in again")
        if presented_hash != self.token_hash:
            self.revoke(RevokeReason.TOKEN_REUSE, now)
            self.record(
                events.SessionRevokedForReuse(
                    occurred_at=now, user_id=self.user_id, session_id=self.id
                )
            )
            return
        self.token_hash = new_hash
        self.last_used_at = now

    def revoke(self, reason: RevokeReason, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now
            self.revoke_reason = reason
            self.record(
                events.SessionRevoked(
                    occurred_at=now, user_id=self.user_id, session_id=self.id, reason=reason.value
                )
            )


class Purpose(enum.StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"


@define(slots=False, kw_only=True)
class OneTimeCode:
    """A short numeric code sent by email; stored as a keyed hash, never in clear."""

    user_id: uuid.UUID
    purpose: Purpose
    code_hash: str
    created_at: datetime
    expires_at: datetime
    max_attempts: int
    id: uuid.UUID = field(factory=new_id)
    attempts: int = 0
    version: int = 1

    @classmethod
    def issue(
        cls,
        user_id: uuid.UUID,
        purpose: Purpose,
        code_hash: str,
        now: datetime,
        ttl: timedelta,
        max_attempts: int,
    ) -> OneTimeCode:
        return cls(
            user_id=user_id,
            purpose=purpose,
            code_hash=code_hash,
            created_at=now,
            expires_at=now + ttl,
            max_attempts=max_attempts,
        )

    @property
    def exhausted(self) -> bool:
        return self.attempts >= self.max_attempts

    def attempt(self, presented_hash: str, now: datetime) -> bool:
        """Count one attempt; True when the code matches and is still usable."""
        if self.exhausted or now >= self.expires_at:
            return False
        self.attempts += 1
        return presented_hash == self.code_hash
