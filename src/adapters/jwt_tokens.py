"""Access tokens as HS256 JWTs (PyJWT), checked against the caller's clock."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from alora_core.identity.model import Role
from alora_core.identity.ports import AccessClaims
from alora_core.shared.errors import Unauthenticated

_ALGORITHM = "HS256"
_TYPE = "access"
_REQUIRED = ["sub", "role", "sid", "iat", "exp", "iss", "aud", "typ", "jti"]
_MIN_SECRET_BYTES = 32
_VERIFIED_KEPT = 10_000
"""Tokens whose signature was verified, kept with their claims so that each is verified once
per process."""


def _invalid() -> Unauthenticated:
    return Unauthenticated("the access token is invalid")


def _timestamp(now: datetime) -> int:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return math.floor(now.timestamp())


def _numeric_date(payload: dict[str, Any], claim: str) -> int:
    value = payload[claim]
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid()
    return value


def _parse_uuid(payload: dict[str, Any], claim: str) -> uuid.UUID:
    value = payload[claim]
    if not isinstance(value, str):
        raise _invalid()
    try:
        return uuid.UUID(value)
    except ValueError:
        raise _invalid() from None


class JwtTokenIssuer:
    """The production ``TokenIssuer``. Time checks use the ``now`` passed in, not the wall clock."""

    def __init__(
        self,
        secret: str,
        issuer: str,
        audience: str,
        lifetime: timedelta,
        *,
        leeway: timedelta = timedelta(seconds=5),
    ) -> None:
        if len(secret.encode()) < _MIN_SECRET_BYTES:
            raise ValueError(f"the token secret must be at least {_MIN_SECRET_BYTES} bytes")
        if lifetime < timedelta(seconds=1):
            raise ValueError("the token lifetime must be at least one second")
        self._secret = secret
        self._issuer = issuer
        self._audience = audience
        self._lifetime = int(lifetime.total_seconds())
        self._leeway = int(leeway.total_seconds())
        self._verified: dict[str, AccessClaims] = {}

    @property
    def lifetime_seconds(self) -> int:
        return self._lifetime

    def issue(self, user_id: uuid.UUID, role: Role, session_id: uuid.UUID, now: datetime) -> str:
        issued_at = _timestamp(now)
        payload = {
            "sub": str(user_id),
            "role": role.value,
            "sid": str(session_id),
            "iat": issued_at,
            "exp": issued_at + self._lifetime,
            "iss": self._issuer,
            "aud": self._audience,
            "typ": _TYPE,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(payload, self._secret, algorithm=_ALGORITHM)

    def verify(self, token: str, now: datetime) -> AccessClaims:
        current = _timestamp(now)
        claims = self._verified.get(token)
        if claims is None:
            claims = _claims(self._decode(token))
            if len(self._verified) >= _VERIFIED_KEPT:
                del self._verified[next(iter(self._verified))]
            self._verified[token] = claims
        issued_at = math.floor(claims.issued_at.timestamp())
        expires_at = math.floor(claims.expires_at.timestamp())
        if issued_at > current + self._leeway:
            raise _invalid()
        if current >= expires_at + self._leeway:
            raise Unauthenticated("the access token has expired")
        return claims

    def _decode(self, token: str) -> dict[str, Any]:
        """The payload of a token whose signature, issuer and audience hold (``verify`` checks
        its times on every use, as they depend on ``now``)."""
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[_ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                options={
                    "verify_signature": True,
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    "verify_iss": True,
                    "verify_aud": True,
                    "strict_aud": True,
                    "require": _REQUIRED,
                },
            )
        except (jwt.PyJWTError, ValueError, TypeError):
            raise _invalid() from None
        return payload


def _claims(payload: dict[str, Any]) -> AccessClaims:
    """The claims of a verified payload; its times are checked against ``now`` on each use."""
    if payload["typ"] != _TYPE or not isinstance(payload["jti"], str):
        raise _invalid()
    issued_at = _numeric_date(payload, "iat")
    expires_at = _numeric_date(payload, "exp")
    if expires_at <= issued_at:
        raise _invalid()
    try:
        role = Role(payload["role"])
        issued = datetime.fromtimestamp(issued_at, UTC)
        expires = datetime.fromtimestamp(expires_at, UTC)
    except (ValueError, OverflowError, OSError):
        raise _invalid() from None
    return AccessClaims(
        user_id=_parse_uuid(payload, "sub"),
        role=role,
        session_id=_parse_uuid(payload, "sid"),
        issued_at=issued,
        expires_at=expires,
    )
