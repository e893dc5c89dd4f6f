"""Normalizing and recognizing what people type: emails, usernames, phones, login identifiers.

Emails and usernames are compared in one form: NFKC and case-folded, so ``ada`` written with
a fullwidth a (U+FF41) is ``ada``. What still only looks like another identifier (a Cyrillic
a, U+0430, for the Latin one) is caught through the ``LookAlikes`` port: an identifier may not
mix scripts, and two accounts may not share a skeleton (Unicode TS #39).
"""

from __future__ import annotations

import enum
import re
import unicodedata

from alora_core.shared.errors import FieldError
from alora_core.shared.text import has_control_characters

USERNAME_RE = re.compile(r"^[a-z0-9_.]{3,30}$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")
PHONE_SHAPE_RE = re.compile(r"^\+?[\d\s().\-]{7,25}$")
MAX_EMAIL_LENGTH = 254


class IdentifierKind(enum.StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    USERNAME = "username"


def fold(text: str) -> str:
    """``text`` in the form identifiers are compared in: compatibility-composed (NFKC) and
    case-folded, then composed again (folding can undo a composition)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def normalize_email(raw: str) -> str:
    return fold(raw).strip()


def normalize_username(raw: str) -> str:
    return fold(raw).strip()


def email_local_part(email: str) -> str:
    return email.rpartition("@")[0]


def email_error(email: str) -> FieldError | None:
    if (
        has_control_characters(email)
        or len(email) > MAX_EMAIL_LENGTH
        or not EMAIL_RE.match(email)
        or ".." in email
    ):
        return FieldError("email", "must be a valid email address", "invalid-email")
    return None


def username_error(username: str) -> FieldError | None:
    if not USERNAME_RE.match(username):
        return FieldError(
            "username",
            "must be 3 to 30 characters of a-z, 0-9, underscore or dot",
            "invalid-username",
        )
    return None


def mixed_script_error(field: str) -> FieldError:
    return FieldError(
        field,
        "must not mix letters of scripts that look alike, such as Latin and Cyrillic",
        "mixed-script",
    )


def detect_identifier(raw: str) -> IdentifierKind:
    """What a login identifier looks like: an email, a phone number or a username."""
    value = raw.strip()
    if "@" in value:
        return IdentifierKind.EMAIL
    if PHONE_SHAPE_RE.match(value) and sum(ch.isdigit() for ch in value) >= 7:
        return IdentifierKind.PHONE
    return IdentifierKind.USERNAME
