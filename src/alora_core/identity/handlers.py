"""Identity's event handlers: the emails its events cause."""

from __future__ import annotations

from html import escape

from alora_core.identity.events import CodeIssued
from alora_core.identity.model import Purpose
from alora_core.shared.mail import Branding, EmailMessage, Mailer

_CODE_MAILS = {
    Purpose.VERIFY_EMAIL.value: ("Verify your email address", "to verify your email address"),
    Purpose.RESET_PASSWORD.value: ("Reset your password", "to choose a new password"),
}


def code_message(event: CodeIssued, branding: Branding) -> EmailMessage:
    title, purpose = _CODE_MAILS[event.purpose]
    subject = f"{title} for {branding.product_name}"
    text = (
        f"Hello {event.full_name},\n\n"
        f"Your {branding.product_name} code is {event.code}. Enter it {purpose}.\n"
        f"It expires in {event.expires_in_minutes} minutes. If you did not ask for it, "
        "ignore this email.\n\n"
        f"{branding.product_name} — {branding.public_url}\n"
    )
    html = (
        f"<p>Hello {escape(event.full_name)},</p>"
        f"<p>Your {escape(branding.product_name)} code is "
        f'<strong style="font-size:1.4em;letter-spacing:0.2em">{event.code}</strong>. '
        f"Enter it {purpose}.</p>"
        f"<p>It expires in {event.expires_in_minutes} minutes. If you did not ask for it, "
        "ignore this email.</p>"
        f'<p><a href="{escape(branding.public_url)}">{escape(branding.product_name)}</a></p>'
    )
    return EmailMessage(to=event.email, subject=subject, text=text, html=html)


async def email_code(event: CodeIssued, mailer: Mailer, branding: Branding) -> None:
    await mailer.send(code_message(event, branding))
