"""What a booking's parties are told: each change to the party who did not make it (both, when
an administrator or the system made it; an expired request to its customer only), in-app and
by email as their booking setting allows; and each party's reminder on the day. The
notifications context delivers them."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from alora_core.booking.bookings import events
from alora_core.shared.clock import zone_or_utc
from alora_core.shared.notices import Notice, NoticeRule, NotificationType

INFO, SUCCESS, WARNING = NotificationType.INFO, NotificationType.SUCCESS, NotificationType.WARNING

# event -> (notification type, title for the customer, title for the professional)
BOOKING_NOTICES: dict[type[events.BookingEvent], tuple[NotificationType, str, str]] = {
    events.BookingRequested: (INFO, "Booking requested", "New booking request"),
    events.BookingConfirmed: (SUCCESS, "Your booking is confirmed", "Booking confirmed"),
    events.BookingRejected: (WARNING, "Your booking was declined", "Booking declined"),
    events.BookingCancelled: (WARNING, "Your booking was cancelled", "Booking cancelled"),
    events.BookingRescheduled: (INFO, "Your booking was moved", "A booking was moved"),
    events.BookingCompleted: (SUCCESS, "Your booking is complete", "Booking completed"),
    events.BookingExpired: (WARNING, "Your booking request expired", "A booking request expired"),
}
UNTOLD = {(events.BookingRequested, "customer"), (events.BookingExpired, "professional")}
"""The customer makes every request; an expired request is the customer's news (the
professional, who did not answer it, sees it in their list)."""
EXPIRY_LINES = {
    "unanswered": "The professional did not answer in time, so the time is free again.",
    "start_passed": "Its start came before the professional answered.",
}


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _tells(event: events.BookingEvent, party: str) -> bool:
    recipient = event.customer_id if party == "customer" else event.professional_id
    return event.actor_id != recipient


def booking_notice(event: events.BookingEvent, party: str) -> Notice:
    kind, customer_title, professional_title = BOOKING_NOTICES[type(event)]
    to_customer = party == "customer"
    lines = [f"Booked time: {_at(event.start)} to {_at(event.end)}."]
    data: dict[str, Any] = {
        "kind": event.name,
        "bookingId": str(event.booking_id),
        "start": event.start.isoformat(),
        "end": event.end.isoformat(),
    }
    if isinstance(event, events.BookingRescheduled):
        lines.insert(0, f"It was {_at(event.previous_start)}.")
        if event.status == "pending" and not to_customer:
            lines.append("Please confirm the new time.")
        data["previousStart"] = event.previous_start.isoformat()
    if isinstance(event, events.BookingRejected | events.BookingCancelled):
        lines.append(f"Reason: {event.reason}")
    if isinstance(event, events.BookingCancelled) and event.late:
        lines.append("It was cancelled less than 24 hours before the start.")
    if isinstance(event, events.BookingExpired):
        lines.append(EXPIRY_LINES.get(event.reason, "It was not answered in time."))
        lines.append("You can book another time, or another professional.")
    if isinstance(event, events.BookingCompleted) and to_customer:
        lines.append("How did it go? You can now review the work.")
    return Notice(
        recipient_id=event.customer_id if to_customer else event.professional_id,
        type=kind,
        title=customer_title if to_customer else professional_title,
        body="\n".join(lines),
        link=f"/bookings/{event.booking_id}",
        data=data,
        email_kind="booking",
    )


def booking_reminder(event: events.BookingReminderDue) -> Notice:
    local = event.start.astimezone(zone_or_utc(event.timezone))
    return Notice(
        recipient_id=event.recipient_id,
        type=INFO,
        title=f"Reminder: a booking today at {local:%H:%M}",
        body=f"Your booking starts at {local:%H:%M} ({event.timezone}) today.",
        link=f"/bookings/{event.booking_id}",
        data={"kind": event.name, "bookingId": str(event.booking_id), "day": str(event.day)},
        email_kind="booking",
    )


def notice_rules() -> list[NoticeRule]:
    rules = [
        NoticeRule(
            event_type,
            f"notifications.{event_type.name.replace('.', '_')}_to_{party}",
            partial(booking_notice, party=party),
            when=partial(_tells, party=party),
        )
        for event_type in BOOKING_NOTICES
        for party in ("customer", "professional")
        if (event_type, party) not in UNTOLD
    ]
    rules.append(
        NoticeRule(events.BookingReminderDue, "notifications.booking_reminder", booking_reminder)
    )
    return rules
