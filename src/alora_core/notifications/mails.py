"""The email a notification sends: its title, its text and a button to its link."""

from __future__ import annotations

from alora_core.notifications.model import Notification, Recipient
from alora_core.shared.mail import Branding, EmailMessage, compose


def notification_email(
    notification: Notification, recipient: Recipient, branding: Branding
) -> EmailMessage:
    """Named by the notification's id: one notification sends at most this one email."""
    paragraphs = [notification.title]
    if notification.body:
        paragraphs.append(notification.body)
    return compose(
        recipient.email,
        branding,
        subject=f"{notification.title} · {branding.product_name}",
        greeting=f"Hello {recipient.full_name},",
        paragraphs=paragraphs,
        action=None if notification.link is None else ("Open", notification.link),
        footer_note=(
            f"You get this email because of your notification settings in "
            f"{branding.product_name}; change them there to get fewer emails."
        ),
        idempotency_key=f"notification.{notification.id}.email",
    )
