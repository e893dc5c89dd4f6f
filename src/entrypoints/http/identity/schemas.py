"""Identity's request and response bodies: camelCase on the wire, snake_case in Python.

Length limits here are cheap caps that keep huge inputs from costing work (they answer 422
before any use case runs); the exact rules (a name of 1 to 100 characters, the password
policy ...) are the core's and are checked there.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from attrs import asdict
from msgspec import UNSET, Meta, UnsetType, structs

from alora_core.identity.model import Address, Role, Session, Theme, User, UserSettings, Visibility
from alora_core.identity.use_cases import LoginResult, PublicProfile
from alora_core.shared.audit import AuditEntry
from alora_core.shared.pagination import Page
from entrypoints.http import examples
from entrypoints.http.schemas import PageTotals, RequestSchema, ResponseSchema, page_totals

NO_NUL = "^[^\x00]*$"
"""Text may not hold NUL characters: no one types them, and PostgreSQL cannot store them."""


def text(max_length: int, **meta: Any) -> Meta:
    """A string of at most ``max_length`` characters without NUL."""
    return Meta(max_length=max_length, pattern=NO_NUL, **meta)


def local_time(**meta: Any) -> Meta:
    """A 24-hour local time, ``HH:MM``."""
    return Meta(max_length=5, pattern="^([01][0-9]|2[0-3]):[0-5][0-9]$", **meta)


FullName = Annotated[str, text(200, examples=["Ada Lovelace"])]
Username = Annotated[str, text(100, examples=["ada"])]
Email = Annotated[str, text(320, examples=["ada@example.com"])]
Phone = Annotated[str, text(40, examples=["+14155550123"])]
Password = Annotated[str, Meta(max_length=256, description="10 to 256 characters.")]
Code = Annotated[str, text(16, examples=["123456"], description="The emailed code.")]
Identifier = Annotated[str, text(320, description="The account's email, username or phone number.")]
RefreshToken = Annotated[str, text(512)]
Bio = Annotated[str, text(4000)]
AddressPart = Annotated[str, text(400)]
SocialLinks = Annotated[
    dict[Annotated[str, text(100)], Annotated[str, text(1000)]],
    Meta(max_length=50, examples=[{"website": "https://example.com"}]),
]
Language = Annotated[str, text(35, examples=["en", "pt-BR"])]
TimeZone = Annotated[
    str, text(64, examples=["Europe/Berlin"], description="An IANA time zone name.")
]
QuietHoursStart = Annotated[
    str,
    local_time(
        examples=["22:00"],
        description="Start of the quiet hours, `HH:MM` (24 h) in `timezone`. Set both ends or "
        "neither; they must differ and may span midnight.",
    ),
]
QuietHoursEnd = Annotated[
    str,
    local_time(examples=["07:00"], description="End of the quiet hours, `HH:MM` (24 h)."),
]
Reason = Annotated[str, text(500)]


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC (naive values are UTC already), so it is written with a ``Z``."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def utc_or_none(moment: datetime | None) -> datetime | None:
    return None if moment is None else utc(moment)


# --- shared parts ------------------------------------------------------------------------------


class AddressSchema(RequestSchema):
    street: AddressPart = ""
    city: AddressPart = ""
    state: AddressPart = ""
    postal_code: AddressPart = ""
    country: AddressPart = ""

    @classmethod
    def of(cls, address: Address | None) -> AddressSchema | None:
        return None if address is None else cls(**asdict(address, recurse=False))

    def to_domain(self) -> Address:
        return Address(**structs.asdict(self))


_DEFAULTS = UserSettings()


class SettingsSchema(RequestSchema):
    """A user's preferences. PUT replaces them all: an absent field takes its default."""

    example = examples.SETTINGS
    email_notifications: bool = _DEFAULTS.email_notifications
    push_notifications: bool = _DEFAULTS.push_notifications
    sms_notifications: bool = _DEFAULTS.sms_notifications
    marketing_emails: bool = _DEFAULTS.marketing_emails
    booking_reminders: bool = _DEFAULTS.booking_reminders
    review_notifications: bool = _DEFAULTS.review_notifications
    profile_visibility: Visibility = _DEFAULTS.profile_visibility
    show_email: bool = _DEFAULTS.show_email
    show_phone: bool = _DEFAULTS.show_phone
    allow_direct_messages: bool = _DEFAULTS.allow_direct_messages
    show_read_receipts: bool = _DEFAULTS.show_read_receipts
    theme: Theme = _DEFAULTS.theme
    language: Language = _DEFAULTS.language
    timezone: TimeZone = _DEFAULTS.timezone
    quiet_hours_start: QuietHoursStart | None = _DEFAULTS.quiet_hours_start
    quiet_hours_end: QuietHoursEnd | None = _DEFAULTS.quiet_hours_end

    @classmethod
    def of(cls, settings: UserSettings) -> SettingsSchema:
        return cls(**asdict(settings, recurse=False))

    def to_domain(self) -> UserSettings:
        return UserSettings(**structs.asdict(self))


# --- requests ----------------------------------------------------------------------------------


class RegisterRequest(RequestSchema):
    example = examples.REGISTER
    full_name: FullName
    username: Username
    email: Email
    phone: Phone
    password: Password
    role: Literal["customer", "professional"]


class VerifyEmailRequest(RequestSchema):
    example = examples.VERIFY_EMAIL
    email: Email
    code: Code


class EmailRequest(RequestSchema):
    example = examples.EMAIL
    email: Email


class LoginRequest(RequestSchema):
    example = examples.LOGIN
    identifier: Identifier
    password: Password


class RefreshRequest(RequestSchema):
    """The refresh token; leave it out to use the ``alora_refresh`` cookie instead."""

    example = examples.REFRESH
    refresh_token: RefreshToken | UnsetType = UNSET


class ResetPasswordRequest(RequestSchema):
    example = examples.RESET_PASSWORD
    email: Email
    code: Code
    new_password: Password


class ChangePasswordRequest(RequestSchema):
    example = examples.CHANGE_PASSWORD
    current_password: Password
    new_password: Password


def _present(struct: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(struct, name) for name in names if getattr(struct, name) is not UNSET}


class UpdateProfileRequest(RequestSchema):
    """Only the fields present change; ``null`` clears the avatar or the address."""

    example = examples.UPDATE_PROFILE
    full_name: FullName | UnsetType = UNSET
    bio: Bio | UnsetType = UNSET
    avatar_file_id: uuid.UUID | UnsetType | None = UNSET
    address: AddressSchema | UnsetType | None = UNSET
    social_links: SocialLinks | UnsetType = UNSET

    def changes(self) -> dict[str, Any]:
        changes = _present(self, ("full_name", "bio", "avatar_file_id", "social_links"))
        if isinstance(self.address, AddressSchema):
            changes["address"] = self.address.to_domain()
        elif self.address is None:
            changes["address"] = None
        return changes


class AdminUpdateUserRequest(RequestSchema):
    """Only the fields present change; ``phone: null`` removes the phone number."""

    example = examples.ADMIN_UPDATE_USER
    full_name: FullName | UnsetType = UNSET
    username: Username | UnsetType = UNSET
    email: Email | UnsetType = UNSET
    phone: Phone | UnsetType | None = UNSET
    role: Role | UnsetType = UNSET
    email_verified: bool | UnsetType = UNSET

    def changes(self) -> dict[str, Any]:
        return _present(self, ("full_name", "username", "email", "phone", "role", "email_verified"))


class SuspendRequest(RequestSchema):
    example = examples.SUSPEND
    reason: Reason = ""


# --- responses ---------------------------------------------------------------------------------


class UserResponse(ResponseSchema):
    id: uuid.UUID
    full_name: str
    username: str
    email: str
    phone: str | None
    role: Role
    email_verified: bool
    suspended: bool
    bio: str
    avatar_file_id: uuid.UUID | None
    address: AddressSchema | None
    social_links: dict[str, str]
    created_at: datetime
    updated_at: datetime | None

    @classmethod
    def of(cls, user: User) -> UserResponse:
        return cls(**_user_fields(user))


class AdminUserResponse(UserResponse):
    """A user as administrators see it: with suspension and last sign-in."""

    suspended_at: datetime | None
    suspension_reason: str | None
    last_login_at: datetime | None

    @classmethod
    def of(cls, user: User) -> AdminUserResponse:
        return cls(
            **_user_fields(user),
            suspended_at=utc_or_none(user.suspended_at),
            suspension_reason=user.suspension_reason,
            last_login_at=utc_or_none(user.last_login_at),
        )


def _user_fields(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "full_name": user.full_name,
        "username": user.username,
        "email": user.email,
        "phone": user.phone,
        "role": user.role,
        "email_verified": user.email_verified,
        "suspended": user.suspended,
        "bio": user.bio,
        "avatar_file_id": user.avatar_file_id,
        "address": AddressSchema.of(user.address),
        "social_links": dict(user.social_links),
        "created_at": utc(user.created_at),
        "updated_at": utc_or_none(user.updated_at),
    }


class AcceptedResponse(ResponseSchema):
    """A 202: the request is taken; what happens next does not depend on the account."""

    detail: str


class TokenResponse(ResponseSchema):
    access_token: str
    refresh_token: str
    expires_in: Annotated[int, Meta(description="Seconds until the access token expires.")]
    user: UserResponse
    token_type: Literal["Bearer"] = "Bearer"

    @classmethod
    def of(cls, result: LoginResult) -> TokenResponse:
        return cls(
            access_token=result.access_token,
            refresh_token=result.refresh_token,
            expires_in=result.expires_in,
            user=UserResponse.of(result.user),
        )


class PublicProfileResponse(ResponseSchema):
    """What others may see of a user; email and phone only when the user shows them."""

    id: uuid.UUID
    full_name: str
    username: str
    role: Role
    bio: str
    avatar_file_id: uuid.UUID | None
    social_links: dict[str, str]
    created_at: datetime
    email: str | None
    phone: str | None

    @classmethod
    def of(cls, profile: PublicProfile) -> PublicProfileResponse:
        return cls(
            id=profile.id,
            full_name=profile.full_name,
            username=profile.username,
            role=profile.role,
            bio=profile.bio,
            avatar_file_id=profile.avatar_file_id,
            social_links=dict(profile.social_links),
            created_at=utc(profile.created_at),
            email=profile.email,
            phone=profile.phone,
        )


class SessionResponse(ResponseSchema):
    """One of the caller's signed-in sessions; ``current`` marks the one making the request."""

    id: uuid.UUID
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    user_agent: str
    ip: str
    current: bool

    @classmethod
    def of(cls, session: Session, current_id: uuid.UUID | None) -> SessionResponse:
        return cls(
            id=session.id,
            created_at=utc(session.created_at),
            last_used_at=utc(session.last_used_at),
            expires_at=utc(session.expires_at),
            user_agent=session.user_agent,
            ip=session.ip,
            current=session.id == current_id,
        )


class AdminSessionResponse(ResponseSchema):
    id: uuid.UUID
    user_id: uuid.UUID
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    user_agent: str
    ip: str

    @classmethod
    def of(cls, session: Session) -> AdminSessionResponse:
        return cls(
            id=session.id,
            user_id=session.user_id,
            created_at=utc(session.created_at),
            last_used_at=utc(session.last_used_at),
            expires_at=utc(session.expires_at),
            user_agent=session.user_agent,
            ip=session.ip,
        )


class AuditEntryResponse(ResponseSchema):
    id: uuid.UUID
    actor_id: uuid.UUID
    action: Annotated[str, Meta(examples=["user.suspend"])]
    target_type: str
    target_id: str
    occurred_at: datetime
    details: dict[str, Any]

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryResponse:
        return cls(
            id=entry.id,
            actor_id=entry.actor_id,
            action=entry.action,
            target_type=entry.target_type,
            target_id=entry.target_id,
            occurred_at=utc(entry.occurred_at),
            details=dict(entry.details),
        )


class UserPage(PageTotals):
    items: list[AdminUserResponse]

    @classmethod
    def of(cls, page: Page[User]) -> UserPage:
        return cls(items=[AdminUserResponse.of(user) for user in page.items], **page_totals(page))


class SessionPage(PageTotals):
    items: list[AdminSessionResponse]

    @classmethod
    def of(cls, page: Page[Session]) -> SessionPage:
        items = [AdminSessionResponse.of(session) for session in page.items]
        return cls(items=items, **page_totals(page))


class AuditLogPage(PageTotals):
    items: list[AuditEntryResponse]

    @classmethod
    def of(cls, page: Page[AuditEntry]) -> AuditLogPage:
        items = [AuditEntryResponse.of(entry) for entry in page.items]
        return cls(items=items, **page_totals(page))
