"""The email the content context sends: a contact message, to each administrator."""

from __future__ import annotations

from alora_core.content.model import ContactMessage
from alora_core.shared.mail import Branding, EmailMessage, compose


def contact_message_email(
    message: ContactMessage, to: str, branding: Branding, idempotency_key: str
) -> EmailMessage:
    product = branding.product_name
    sender = f"{message.name} <{message.email}>"
    if message.phone:
        sender += f", phone {message.phone}"
    return compose(
        to,
        branding,
        subject=f"Contact: {message.subject} · {product}",
        greeting="Hello,",
        paragraphs=[
            f"{sender} wrote through the contact form:",
            message.subject,
            message.message,
        ],
        footer_note=(
            f"You receive this as an administrator of {product}. Reply to the sender's address "
            f"above; the message is kept as contact message {message.id}."
        ),
        idempotency_key=idempotency_key,
    )
