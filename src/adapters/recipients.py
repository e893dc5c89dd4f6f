"""Identity's users as notifications' recipients: the one mapping both database adapters use."""

from __future__ import annotations

import uuid

from alora_core.identity.model import UserSettings
from alora_core.notifications.model import Recipient


def recipient_from(
    user_id: uuid.UUID, email: str, full_name: str, settings: UserSettings
) -> Recipient:
    return Recipient(
        user_id=user_id,
        email=email,
        full_name=full_name,
        email_notifications=settings.email_notifications,
        marketing_emails=settings.marketing_emails,
        booking_reminders=settings.booking_reminders,
        review_notifications=settings.review_notifications,
        timezone=settings.timezone,
        quiet_hours_start=settings.quiet_hours_start,
        quiet_hours_end=settings.quiet_hours_end,
    )
