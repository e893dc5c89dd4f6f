"""Reactions across contexts: one context's event, another context's use case.

Contexts do not import each other, so the composition root subscribes these: most map an
event to a notification (``notifications.handlers.notify_when``); the others call another
context's use case with the event's ids.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from alora_core.booking.bookings import events as booking
from alora_core.booking.professionals.use_cases import refresh_search_name
from alora_core.booking.reviews.events import ReviewCreated
from alora_core.files.ports import FileStorage
from alora_core.files.use_cases import purge_owner_files
from alora_core.identity.events import EmailVerified, NewDeviceSignedIn, UserDeleted, UserUpdated
from alora_core.notifications.commands import Notify
from alora_core.notifications.handlers import notify_when
from alora_core.notifications.model import EmailKind, NotificationType, zone
from alora_core.shared.clock import Clock
from alora_core.shared.jobs import Subscriptions
from alora_core.shared.mail import Branding

MAX_DEVICE_CHARS = 200
INFO, SUCCESS, WARNING = NotificationType.INFO, NotificationType.SUCCESS, NotificationType.WARNING


def subscribe(
    subscriptions: Subscriptions, *, clock: Clock, branding: Branding, storage: FileStorage
) -> None:
    def welcome(event: EmailVerified) -> Notify:
        return Notify(
            recipient_id=event.user_id,
            type=SUCCESS,
            title=f"Welcome to {branding.product_name}",
            body="Your email address is verified and your account is ready.",
            data={"kind": "welcome"},
        )

    def new_sign_in(event: NewDeviceSignedIn) -> Notify:
        device = event.user_agent[:MAX_DEVICE_CHARS] or "an unknown device"
        at = event.signed_in_at.strftime("%Y-%m-%d %H:%M UTC")
        return Notify(
            recipient_id=event.user_id,
            type=WARNING,
            title="New sign-in",
            body=(
                f"Your account was signed in to from {device} (IP {event.ip or 'unknown'}) "
                f"at {at}. If this was not you, change your password now."
            ),
            data={"kind": "new_sign_in", "userAgent": device, "ip": event.ip},
            email_kind=EmailKind.SECURITY,
        )

    subscriptions.add(EmailVerified, "notifications.welcome", notify_when(welcome, clock))
    subscriptions.add(
        NewDeviceSignedIn, "notifications.new_sign_in", notify_when(new_sign_in, clock)
    )
    # The directory searches professionals by name: their profile keeps it current.
    subscriptions.add(
        UserUpdated,
        "professionals.refresh_search_name",
        lambda event, uow: refresh_search_name(event.user_id, uow),
        when=lambda event: "full_name" in event.fields,
    )

    # A deleted account's file rows go with it (ON DELETE CASCADE); its bytes go here.
    async def purge_deleted_owner(event: UserDeleted, uow: object) -> None:
        await purge_owner_files(event.user_id, storage)

    subscriptions.add(UserDeleted, "files.purge_deleted_owner", purge_deleted_owner)
    for event_type in BOOKING_NOTICES:
        for party in ("customer", "professional"):
            if event_type is booking.BookingRequested and party == "customer":
                continue  # the customer makes every request
            subscriptions.add(
                event_type,
                f"notifications.{event_type.name.replace('.', '_')}_to_{party}",
                notify_when(partial(booking_notice, party=party), clock),
                when=partial(_tells, party=party),
            )
    subscriptions.add(
        booking.BookingReminderDue,
        "notifications.booking_reminder",
        notify_when(booking_reminder, clock),
    )
    subscriptions.add(
        ReviewCreated, "notifications.review_created", notify_when(review_notice, clock)
    )


# --- bookings: each change is told to the party who did not make it (both, when an
# administrator or the system made it), in-app and by email as their booking setting allows.

# event -> (notification type, title for the customer, title for the professional)
BOOKING_NOTICES: dict[type[booking.BookingEvent], tuple[NotificationType, str, str]] = {
    booking.BookingRequested: (INFO, "Booking requested", "New booking request"),
    booking.BookingConfirmed: (SUCCESS, "Your booking is confirmed", "Booking confirmed"),
    booking.BookingRejected: (WARNING, "Your booking was declined", "Booking declined"),
    booking.BookingCancelled: (WARNING, "Your booking was cancelled", "Booking cancelled"),
    booking.BookingRescheduled: (INFO, "Your booking was moved", "A booking was moved"),
    booking.BookingCompleted: (SUCCESS, "Your booking is complete", "Booking completed"),
}


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _tells(event: booking.BookingEvent, party: str) -> bool:
    recipient = event.customer_id if party == "customer" else event.professional_id
    return event.actor_id != recipient


def booking_notice(event: booking.BookingEvent, party: str) -> Notify:
    kind, customer_title, professional_title = BOOKING_NOTICES[type(event)]
    to_customer = party == "customer"
    lines = [f"Booked time: {_at(event.start)} to {_at(event.end)}."]
    data: dict[str, Any] = {
        "kind": event.name,
        "bookingId": str(event.booking_id),
        "start": event.start.isoformat(),
        "end": event.end.isoformat(),
    }
    if isinstance(event, booking.BookingRescheduled):
        lines.insert(0, f"It was {_at(event.previous_start)}.")
        if event.status == "pending" and not to_customer:
            lines.append("Please confirm the new time.")
        data["previousStart"] = event.previous_start.isoformat()
    if isinstance(event, booking.BookingRejected | booking.BookingCancelled):
        lines.append(f"Reason: {event.reason}")
    if isinstance(event, booking.BookingCancelled) and event.late:
        lines.append("It was cancelled less than 24 hours before the start.")
    if isinstance(event, booking.BookingCompleted) and to_customer:
        lines.append("How did it go? You can now review the work.")
    return Notify(
        recipient_id=event.customer_id if to_customer else event.professional_id,
        type=kind,
        title=customer_title if to_customer else professional_title,
        body="\n".join(lines),
        link=f"/bookings/{event.booking_id}",
        data=data,
        email_kind=EmailKind.BOOKING,
    )


def booking_reminder(event: booking.BookingReminderDue) -> Notify:
    local = event.start.astimezone(zone(event.timezone))
    return Notify(
        recipient_id=event.recipient_id,
        type=INFO,
        title=f"Reminder: a booking today at {local:%H:%M}",
        body=f"Your booking starts at {local:%H:%M} ({event.timezone}) today.",
        link=f"/bookings/{event.booking_id}",
        data={"kind": event.name, "bookingId": str(event.booking_id), "day": str(event.day)},
        email_kind=EmailKind.BOOKING,
    )


# --- reviews: the professional hears of each new review, by email as their review setting allows.


def review_notice(event: ReviewCreated) -> Notify:
    return Notify(
        recipient_id=event.professional_id,
        type=INFO,
        title=f"New review: {event.rating} of 5 stars",
        body="A customer reviewed your work. Read it, and reply if you like.",
        link=f"/reviews/{event.review_id}",
        data={
            "kind": event.name,
            "reviewId": str(event.review_id),
            "bookingId": None if event.booking_id is None else str(event.booking_id),
            "rating": event.rating,
        },
        email_kind=EmailKind.REVIEW,
    )
