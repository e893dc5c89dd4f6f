"""Secrets carried by events: one-time codes today, invite codes and attendee tokens tomorrow.

An event field declared with ``secret()`` travels to the handler that needs it (the email with
the code) and nowhere else in clear:

- in outbox rows, dead jobs and broker messages it is **sealed** (encrypted and authenticated
  with a key derived from ``ALORA_SECRET_KEY``), and the message lists it under ``"sealed"``;
- every view of a stored job (the admin routes, the command line) shows it as ``[redacted]``;
- the event's ``repr`` shows ``[redacted]``, and a failing job's error and log lines have its
  value replaced by ``[redacted]`` (a mail server that echoes the message must not leak it).

The core only declares and seals through the ``Sealer`` port; the cipher is an adapter's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from attrs import AttrsInstance, field, fields

REDACTED = "[redacted]"
"""What views and logs show in place of a secret."""

_SECRET = "alora.secret"


def secret() -> Any:
    """Declare an attrs field of an event as a secret (``code: str = secret()``)."""
    return field(repr=lambda _value: repr(REDACTED), metadata={_SECRET: True})


def secret_fields(cls: type) -> tuple[str, ...]:
    """The names of ``cls``'s fields declared with ``secret()``."""
    attrs_class: type[AttrsInstance] = cls
    return tuple(a.name for a in fields(attrs_class) if a.metadata.get(_SECRET))


def secret_values(value: object) -> list[str]:
    """The clear values of ``value``'s secret fields, as text (empty ones left out)."""
    return [
        text for name in secret_fields(type(value)) if (text := str(getattr(value, name) or ""))
    ]


def redact_text(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each secret replaced by ``[redacted]``."""
    for secret_value in sorted(set(secrets), key=len, reverse=True):
        if secret_value:
            text = text.replace(secret_value, REDACTED)
    return text


class SealBroken(Exception):
    """A sealed value that cannot be opened: altered, or sealed with another key."""


class Sealer(Protocol):
    """Encrypts secrets for storage and reads them back (authenticated encryption)."""

    def seal(self, text: str) -> str:
        """``text`` encrypted, as ASCII."""
        ...

    def unseal(self, sealed: str) -> str:
        """The text ``seal`` was given; ``SealBroken`` if ``sealed`` is not its output."""
        ...
