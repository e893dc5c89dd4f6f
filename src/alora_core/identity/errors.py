"""Identity's domain errors."""

from __future__ import annotations

from alora_core.shared.errors import Forbidden, Unauthenticated


class InvalidCredentials(Unauthenticated):
    code = "invalid-credentials"
    title = "Invalid credentials"


class AccountSuspended(Forbidden):
    code = "account-suspended"
    title = "Account suspended"
