"""The email port and the one layout every email uses (a plain-text and an HTML part)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
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


Action = tuple[str, str]
"""A button: its label and where it leads (an absolute URL, or a path under the public URL)."""


def compose(
    to: str,
    branding: Branding,
    *,
    subject: str,
    greeting: str,
    paragraphs: Sequence[str],
    highlight: str | None = None,
    action: Action | None = None,
    footer_note: str | None = None,
    idempotency_key: str | None = None,
) -> EmailMessage:
    """An email in the common layout, as plain text and as HTML.

    ``highlight`` is a short value shown large after the paragraphs (a code); ``footer_note``
    a small print line under them. Values are plain text: the HTML part escapes them.
    """
    link = None if action is None else (action[0], absolute_url(branding, action[1]))
    return EmailMessage(
        to=to,
        subject=subject,
        text=_text_part(branding, greeting, paragraphs, highlight, link, footer_note),
        html=_html_part(branding, subject, greeting, paragraphs, highlight, link, footer_note),
        idempotency_key=idempotency_key,
    )


def absolute_url(branding: Branding, target: str) -> str:
    """``target`` itself when it is an absolute URL, else that path under the public URL."""
    if target.startswith(("https://", "http://")):
        return target
    return f"{branding.public_url.rstrip('/')}/{target.lstrip('/')}"


def _text_part(
    branding: Branding,
    greeting: str,
    paragraphs: Sequence[str],
    highlight: str | None,
    link: Action | None,
    footer_note: str | None,
) -> str:
    blocks = [greeting, *paragraphs]
    if highlight is not None:
        blocks.append(f"    {highlight}")
    if link is not None:
        blocks.append(f"{link[0]}: {link[1]}")
    if footer_note is not None:
        blocks.append(footer_note)
    blocks.append(f"{branding.product_name} — {branding.public_url}")
    return "\n\n".join(blocks) + "\n"


_FONT = "font-family:Helvetica,Arial,sans-serif"


def _html_part(
    branding: Branding,
    subject: str,
    greeting: str,
    paragraphs: Sequence[str],
    highlight: str | None,
    link: Action | None,
    footer_note: str | None,
) -> str:
    product = escape(branding.product_name)
    body = [
        f'<p style="margin:0 0 24px;font-size:20px;font-weight:bold">{product}</p>',
        *(_paragraph(text) for text in (greeting, *paragraphs)),
    ]
    if highlight is not None:
        body.append(
            '<p style="margin:24px 0;font-size:28px;font-weight:bold;letter-spacing:0.2em">'
            f"{escape(highlight)}</p>"
        )
    if link is not None:
        body.append(
            f'<p style="margin:24px 0"><a href="{escape(link[1])}" style="display:inline-block;'
            "padding:12px 20px;border-radius:6px;background:#1f2937;color:#ffffff;"
            f'text-decoration:none">{escape(link[0])}</a></p>'
        )
    if footer_note is not None:
        body.append(
            f'<p style="margin:24px 0 0;font-size:13px;color:#6b7280">{escape(footer_note)}</p>'
        )
    body.append(
        '<p style="margin:24px 0 0;padding-top:16px;border-top:1px solid #e5e7eb;font-size:13px">'
        f'<a href="{escape(branding.public_url)}" style="color:#6b7280">{product}</a></p>'
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(subject)}</title></head>"
        f'<body style="margin:0;padding:24px;background:#f3f4f6;{_FONT}">'
        '<div style="max-width:560px;margin:0 auto;padding:32px;background:#ffffff;'
        'border-radius:8px;color:#111827;font-size:16px;line-height:1.5">'
        + "".join(body)
        + "</div></body></html>\n"
    )


def _paragraph(text: str) -> str:
    lines = "<br>".join(escape(line) for line in text.split("\n"))
    return f'<p style="margin:0 0 16px">{lines}</p>'
