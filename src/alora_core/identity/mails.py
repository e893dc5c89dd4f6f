"""The emails identity sends, one pure function per email."""

from __future__ import annotations

from alora_core.identity.events import (
    CodeIssued,
    PasswordChanged,
    SessionRevokedForReuse,
    UserDeleted,
    UserRegistered,
)
from alora_core.identity.model import Purpose, User
from alora_core.shared.mail import Branding, EmailMessage, compose

_CODE_MAILS = {
    Purpose.VERIFY_EMAIL.value: ("Verify your email address", "to verify your email address"),
    Purpose.RESET_PASSWORD.value: ("Reset your password", "to choose a new password"),
}


def code_message(event: CodeIssued, branding: Branding) -> EmailMessage:
    title, purpose = _CODE_MAILS[event.purpose]
    product = branding.product_name
    return compose(
        event.email,
        branding,
        subject=f"{title} for {product}",
        greeting=f"Hello {event.full_name},",
        paragraphs=[
            f"Your {product} code is {event.code}. Enter it {purpose}. "
            f"It expires in {event.expires_in_minutes} minutes."
        ],
        highlight=event.code,
        footer_note="If you did not ask for it, ignore this email.",
        idempotency_key=f"{event.event_id}.code",
    )


def welcome_message(event: UserRegistered, branding: Branding) -> EmailMessage:
    product = branding.product_name
    return compose(
        event.email,
        branding,
        subject=f"Welcome to {product}",
        greeting=f"Hello {event.full_name},",
        paragraphs=[
            f"Welcome to {product}: your account is ready.",
            "Verify your email address with the code we sent you separately, then sign in.",
        ],
        action=(f"Open {product}", "/"),
        idempotency_key=f"{event.event_id}.welcome",
    )


def account_deleted_message(event: UserDeleted, branding: Branding) -> EmailMessage:
    product = branding.product_name
    return compose(
        event.email,
        branding,
        subject=f"Your {product} account has been deleted",
        greeting=f"Hello {event.full_name},",
        paragraphs=[
            f"Your {product} account has been deleted: you can no longer sign in with it.",
            f"Thank you for having used {product}.",
        ],
        footer_note=f"If you think this is a mistake, contact the {product} team.",
        idempotency_key=f"{event.event_id}.account_deleted",
    )


def security_alert_message(
    event: SessionRevokedForReuse, user: User, branding: Branding
) -> EmailMessage:
    product = branding.product_name
    return compose(
        user.email,
        branding,
        subject=f"Security alert for your {product} account",
        greeting=f"Hello {user.full_name},",
        paragraphs=[
            f"Someone used an old sign-in token of your {product} account, which can mean "
            "it was copied from one of your devices.",
            "To be safe, we signed out that session: whoever holds it must sign in again.",
            "If you did not expect this, change your password: that signs out every device.",
        ],
        action=(f"Open {product}", "/"),
        idempotency_key=f"{event.event_id}.security_alert",
    )


def password_changed_message(
    event: PasswordChanged, user: User, branding: Branding
) -> EmailMessage:
    product = branding.product_name
    return compose(
        user.email,
        branding,
        subject=f"Your {product} password was changed",
        greeting=f"Hello {user.full_name},",
        paragraphs=[
            f"The password of your {product} account was changed, and every device signed "
            "in with the old one was signed out.",
            f"If this was not you, reset your password now with “Forgot password” on the "
            f"{product} sign-in page.",
        ],
        action=(f"Open {product}", "/"),
        idempotency_key=f"{event.event_id}.password_changed",
    )
