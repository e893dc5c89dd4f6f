"""A cheap ``PasswordHasher`` for unit tests: salted SHA-256, never for production."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

_PREFIX = "fast"
_HEX = frozenset(string.hexdigits)


def _digest(salt: str, password: str) -> str:
    data = salt.encode("ascii") + b"$" + password.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


class FastPasswordHasher:
    """Same contract as the argon2 hasher; hashes look like ``fast$<salt>$<digest>``."""

    def __init__(self) -> None:
        self._dummy_hash = self._hash_sync(secrets.token_urlsafe(16))

    async def hash(self, password: str) -> str:
        return self._hash_sync(password)

    async def verify(self, password_hash: str, password: str) -> bool:
        parts = self._parse(password_hash)
        if parts is None:
            return False
        salt, expected = parts
        return hmac.compare_digest(_digest(salt, password), expected)

    def needs_rehash(self, password_hash: str) -> bool:
        return self._parse(password_hash) is None

    async def verify_dummy(self, password: str) -> None:
        await self.verify(self._dummy_hash, password)

    @staticmethod
    def _hash_sync(password: str) -> str:
        salt = secrets.token_hex(8)
        return f"{_PREFIX}${salt}${_digest(salt, password)}"

    @staticmethod
    def _parse(password_hash: str) -> tuple[str, str] | None:
        parts = password_hash.split("$")
        if len(parts) != 3 or parts[0] != _PREFIX:
            return None
        _, salt, digest = parts
        if not salt or len(digest) != 64 or not set(salt + digest) <= _HEX:
            return None
        return salt, digest
