"""What every identity use case shares: its dependencies and secrets handling."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import timedelta

from attrs import field, frozen

from alora_core.identity.model import Purpose, User
from alora_core.identity.ports import (
    IdentityUnitOfWork,
    LookAlikes,
    NoSignedInCache,
    PasswordHasher,
    PhoneNumbers,
    SignedInCache,
    TokenIssuer,
)
from alora_core.shared.actor import Actor
from alora_core.shared.clock import Clock
from alora_core.shared.errors import Forbidden, NotFound
from alora_core.shared.ratelimit import Limit, RateLimiter


@frozen(kw_only=True)
class IdentityConfig:
    code_secret: bytes = field(repr=False)
    require_verified_email: bool = True
    refresh_lifetime: timedelta = timedelta(days=7)
    max_sessions: int = 5
    code_lifetime: timedelta = timedelta(minutes=15)
    code_max_attempts: int = 5
    code_resend_cooldown: timedelta = timedelta(seconds=60)
    login_failures: Limit = field(factory=lambda: Limit(5, timedelta(minutes=15)))
    """Failed passwords per account (per identifier when none matches) and per IP."""
    code_failures: Limit = field(factory=lambda: Limit(20, timedelta(hours=24)))
    """Wrong one-time codes per account and purpose, however many codes were issued."""


@frozen(kw_only=True)
class IdentityDeps:
    clock: Clock
    hasher: PasswordHasher
    tokens: TokenIssuer
    phones: PhoneNumbers
    look_alikes: LookAlikes
    limiter: RateLimiter
    config: IdentityConfig
    signed_in: SignedInCache = field(factory=NoSignedInCache)


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Refresh tokens carry 256 random bits, so a plain SHA-256 is a safe lookup key."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def code_hash(config: IdentityConfig, user_id: uuid.UUID, purpose: Purpose, code: str) -> str:
    """Six digits are few, so codes are hashed with a server key: a leaked table reveals none."""
    message = f"{user_id}:{purpose.value}:{code.strip()}".encode()
    return hmac.new(config.code_secret, message, hashlib.sha256).hexdigest()


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden("only administrators may do this")


async def load_user(uow: IdentityUnitOfWork, user_id: uuid.UUID) -> User:
    user = await uow.users.get(user_id)
    if user is None:
        raise NotFound("no such user")
    return user
