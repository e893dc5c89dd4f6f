"""The email port. Messages always carry a plain-text and an HTML part."""

from __future__ import annotations

from typing import Protocol

from attrs import frozen


@frozen
class EmailMessage:
    to: str
    subject: str
    text: str
    html: str
    idempotency_key: str | None = None
    """Names this message for good (an event id and a purpose): it becomes the Message-ID, so
    a message sent twice after a crash is recognisably the same message."""


class Mailer(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


@frozen
class Branding:
    """What emails say about the product: its name and the base of links."""

    product_name: str = "Alora"
    public_url: str = "http://127.0.0.1:8000"
