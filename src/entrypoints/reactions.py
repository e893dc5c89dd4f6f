"""Reactions across contexts: one context's event, another context's use case.

Contexts do not import each other, so the composition root subscribes these: each maps an
event to a notification (``notifications.handlers.notify_when``).
"""

from __future__ import annotations

from alora_core.identity.events import EmailVerified, NewDeviceSignedIn
from alora_core.notifications.commands import Notify
from alora_core.notifications.handlers import notify_when
from alora_core.shared.clock import Clock
from alora_core.shared.jobs import Subscriptions
from alora_core.shared.mail import Branding

MAX_DEVICE_CHARS = 200


def subscribe(subscriptions: Subscriptions, *, clock: Clock, branding: Branding) -> None:
    def welcome(event: EmailVerified) -> Notify:
        return Notify(
            recipient_id=event.user_id,
            type="success",
            title=f"Welcome to {branding.product_name}",
            body="Your email address is verified and your account is ready.",
            data={"kind": "welcome"},
        )

    def new_sign_in(event: NewDeviceSignedIn) -> Notify:
        device = event.user_agent[:MAX_DEVICE_CHARS] or "an unknown device"
        at = event.signed_in_at.strftime("%Y-%m-%d %H:%M UTC")
        return Notify(
            recipient_id=event.user_id,
            type="warning",
            title="New sign-in",
            body=(
                f"Your account was signed in to from {device} (IP {event.ip or 'unknown'}) "
                f"at {at}. If this was not you, change your password now."
            ),
            data={"kind": "new_sign_in", "userAgent": device, "ip": event.ip},
            email_kind="security",
        )

    subscriptions.add(EmailVerified, "notifications.welcome", notify_when(welcome, clock))
    subscriptions.add(
        NewDeviceSignedIn, "notifications.new_sign_in", notify_when(new_sign_in, clock)
    )
