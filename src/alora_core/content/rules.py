"""The rules for the text people type into content: bounds, shapes, and ``Checks``, which
collects every problem with an input to refuse it once, naming each field."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from alora_core.shared.errors import FieldError, Invalid
from alora_core.shared.text import has_control_characters

MAX_FAQ_TYPE = 32
MAX_QUESTION = 300
MAX_ANSWER = 10_000
MAX_FAQ_ORDER = 1_000_000
MAX_NAME = 100
MAX_SUBJECT = 200
MAX_MESSAGE = 5_000
MAX_NOTE = 2_000
MAX_EMAIL = 254
MAX_PHONE = 25
MAX_TITLE = 200
MAX_ABOUT_TEXT = 5_000
MAX_VALUES = 20
MAX_VALUE = 200
MAX_TEAM = 50
MAX_ROLE = 100
MAX_BIO = 2_000
MAX_ADDRESS = 500
MAX_SOCIAL_LINKS = 20
MAX_LINK_NAME = 40
MAX_URL = 2_000

FAQ_TYPE_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
LINK_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_.-]*")
EMAIL_RE = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}")
PHONE_RE = re.compile(r"\+?[\d\s().\-]+")
MIN_PHONE_DIGITS = 7


class Checks:
    """Collects every problem with an input, to refuse it once with all of them (``Invalid``).

    Each method returns the cleaned value (stripped text) or, when it is refused, the input as
    given; ``done`` raises when anything was refused.
    """

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def refuse(self, field_name: str, message: str, code: str = "invalid") -> None:
        self.errors.append(FieldError(field_name, message, code))

    def line(self, field_name: str, value: str, maximum: int, *, required: bool = True) -> str:
        """One line of text: stripped, 1 (0 when not required) to ``maximum`` characters."""
        text = value.strip()
        minimum = 1 if required else 0
        if not minimum <= len(text) <= maximum:
            self.refuse(field_name, f"must have {minimum} to {maximum} characters")
        elif has_control_characters(text):
            self.refuse(field_name, "must be one line without control characters")
        return text

    def text(self, field_name: str, value: str, maximum: int, *, required: bool = True) -> str:
        """Text that may hold line breaks and tabs: stripped, bounded like ``line``."""
        text = value.strip()
        minimum = 1 if required else 0
        if not minimum <= len(text) <= maximum:
            self.refuse(field_name, f"must have {minimum} to {maximum} characters")
        elif has_control_characters(text, allowed="\n\r\t"):
            self.refuse(field_name, "must not hold control characters")
        return text

    def email(self, field_name: str, value: str) -> str:
        email = value.strip()
        if (
            len(email) > MAX_EMAIL
            or has_control_characters(email)
            or ".." in email
            or not EMAIL_RE.fullmatch(email)
        ):
            self.refuse(field_name, "must be a valid email address", "invalid-email")
        return email

    def optional_email(self, field_name: str, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return self.email(field_name, value)

    def phone(self, field_name: str, value: str | None) -> str | None:
        """A phone number as typed (digits, spaces, ``+().-``), or None when left empty."""
        if value is None or not value.strip():
            return None
        phone = value.strip()
        digits = sum(ch.isdigit() for ch in phone)
        if len(phone) > MAX_PHONE or not PHONE_RE.fullmatch(phone) or digits < MIN_PHONE_DIGITS:
            self.refuse(
                field_name,
                f"must be a phone number: at least {MIN_PHONE_DIGITS} digits, with spaces, "
                f"+ ( ) . - allowed, at most {MAX_PHONE} characters",
                "invalid-phone",
            )
        return phone

    def rating(self, field_name: str, value: int) -> int:
        if isinstance(value, bool) or not 1 <= value <= 5:
            self.refuse(field_name, "must be a whole number from 1 to 5")
        return value

    def faq_type(self, field_name: str, value: str) -> str:
        label = value.strip().lower()
        if len(label) > MAX_FAQ_TYPE or not FAQ_TYPE_RE.fullmatch(label):
            self.refuse(
                field_name,
                f"must be a label of 1 to {MAX_FAQ_TYPE} characters: a-z, 0-9, - and _, "
                "starting with a letter or digit (e.g. general, booking, payment, account)",
            )
        return label

    def order(self, field_name: str, value: int) -> int:
        if isinstance(value, bool) or not 0 <= value <= MAX_FAQ_ORDER:
            self.refuse(field_name, f"must be a whole number from 0 to {MAX_FAQ_ORDER}")
        return value

    def https_url(self, field_name: str, value: str) -> str:
        url = value.strip()
        parts = urlsplit(url) if len(url) <= MAX_URL else None
        if (
            parts is None
            or parts.scheme.lower() != "https"
            or not parts.hostname
            or any(ch.isspace() for ch in url)
            or "\\" in url
            or has_control_characters(url)
        ):
            self.refuse(field_name, f"must be an https:// URL of at most {MAX_URL} characters")
        return url

    def done(self, detail: str) -> None:
        if self.errors:
            raise Invalid(detail, list(self.errors))
