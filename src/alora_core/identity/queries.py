"""What identity's use cases return besides its aggregates: a sign-in's tokens, the caller an
access token stands for, and the profile others may see of a user."""

from __future__ import annotations

import uuid
from datetime import datetime

from attrs import field, frozen

from alora_core.identity.model import Role, User
from alora_core.shared.actor import Actor


@frozen(kw_only=True)
class LoginResult:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: int
    session_id: uuid.UUID
    user: User


@frozen(kw_only=True)
class Principal:
    """The authenticated caller of one request."""

    user: User
    session_id: uuid.UUID

    @property
    def actor(self) -> Actor:
        """The caller as commands take it."""
        return Actor(
            user_id=self.user.id,
            role=self.user.role,
            email_verified=self.user.email_verified,
            session_id=self.session_id,
        )


@frozen(kw_only=True)
class SignedIn:
    """A user signed in with an active session, as ``Authenticate`` reads it."""

    user: User
    session_expires_at: datetime


@frozen(kw_only=True)
class PublicProfile:
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
