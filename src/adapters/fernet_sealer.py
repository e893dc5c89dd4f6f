"""``Sealer`` with Fernet (``cryptography``): AES-128-CBC and HMAC-SHA256, so a sealed value
can be neither read nor altered without the key."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken

from alora_core.shared.secrets import SealBroken

__all__ = ["FernetSealer"]


class FernetSealer:
    def __init__(self, key: bytes) -> None:
        """``key``: 32 random bytes (``Wiring.secret("...")`` derives one per use)."""
        if len(key) != 32:
            raise ValueError("a Fernet key is 32 bytes")
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode("ascii")

    def unseal(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode()
        except (InvalidToken, UnicodeError) as exc:
            raise SealBroken(
                "a sealed value cannot be opened: altered, or sealed with another ALORA_SECRET_KEY"
            ) from exc
