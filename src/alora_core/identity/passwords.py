"""The password policy: long enough, not the account's own name, not a well-known password."""

from __future__ import annotations

from importlib.resources import files

from alora_core.shared.errors import FieldError

MIN_LENGTH = 10
MAX_LENGTH = 256

# Passwords of policy length that lead every published breach list; a wall, not a dictionary.
COMMON_PASSWORDS = frozenset(
    (files("alora_core.identity") / "common_passwords.txt").read_text().split()
)


def password_errors(password: str, email: str = "", username: str = "") -> list[FieldError]:
    """What is wrong with ``password`` under the policy; empty when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return [_error(f"must be at least {MIN_LENGTH} characters", "password-too-short")]
    if len(password) > MAX_LENGTH:
        return [_error(f"must be at most {MAX_LENGTH} characters", "password-too-long")]
    lowered = password.lower()
    if lowered in {email.lower(), username.lower()} - {""}:
        return [_error("must not be your email or username", "password-is-identifier")]
    if lowered in COMMON_PASSWORDS:
        return [_error("is too common; choose another", "password-too-common")]
    return []


def _error(message: str, code: str) -> FieldError:
    return FieldError("password", message, code)
