"""Identity's domain errors."""

from __future__ import annotations

from alora_core.shared.errors import Forbidden, Unauthenticated


class InvalidCredentials(Unauthenticated):
    """The identifier or the password is wrong."""

    code = "invalid-credentials"
    title = "Invalid credentials"


class AccountSuspended(Forbidden):
    """The account is suspended: it cannot sign in until an administrator lifts it."""

    code = "account-suspended"
    title = "Account suspended"
