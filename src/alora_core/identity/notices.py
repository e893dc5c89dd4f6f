"""What identity tells users about their account (the notifications context delivers it)."""

from __future__ import annotations

from alora_core.identity.events import EmailVerified, NewDeviceSignedIn
from alora_core.shared.mail import Branding
from alora_core.shared.notices import Notice, NoticeRule, NotificationType

MAX_DEVICE_CHARS = 200


def notice_rules(branding: Branding) -> list[NoticeRule]:
    def welcome(event: EmailVerified) -> Notice:
        return Notice(
            recipient_id=event.user_id,
            type=NotificationType.SUCCESS,
            title=f"Welcome to {branding.product_name}",
            body="Your email address is verified and your account is ready.",
            data={"kind": "welcome"},
        )

    return [
        NoticeRule(EmailVerified, "notifications.welcome", welcome),
        NoticeRule(NewDeviceSignedIn, "notifications.new_sign_in", new_sign_in),
    ]


def new_sign_in(event: NewDeviceSignedIn) -> Notice:
    device = event.user_agent[:MAX_DEVICE_CHARS] or "an unknown device"
    at = event.signed_in_at.strftime("%Y-%m-%d %H:%M UTC")
    return Notice(
        recipient_id=event.user_id,
        type=NotificationType.WARNING,
        title="New sign-in",
        body=(
            f"Your account was signed in to from {device} (IP {event.ip or 'unknown'}) "
            f"at {at}. If this was not you, change your password now."
        ),
        data={"kind": "new_sign_in", "userAgent": device, "ip": event.ip},
        email_kind="security",
    )
