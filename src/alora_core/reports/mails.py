"""The emails the reports context sends."""

from __future__ import annotations

from alora_core.reports.events import ActivityReported
from alora_core.shared.mail import Branding, EmailMessage, compose


def activity_report_message(event: ActivityReported, to: str, branding: Branding) -> EmailMessage:
    product = branding.product_name
    day = event.day.isoformat()
    by_role = ", ".join(f"{role} {n}" for role, n in sorted(event.new_users_by_role.items()))
    new_users = f"New accounts: {event.new_users}" + (f" ({by_role})" if by_role else "")
    return compose(
        to,
        branding,
        subject=f"{product} activity on {day}",
        greeting="Hello,",
        paragraphs=[
            f"Here is what happened on {product} on {day} (UTC):",
            "\n".join(
                [
                    new_users,
                    f"Sign-ins: {event.logins}",
                    f"Notifications sent: {event.notifications_sent}",
                ]
            ),
        ],
        footer_note=f"You receive this daily report as an administrator of {product}.",
        idempotency_key=f"{event.event_id}.{to}",
    )
