"""Emails any context can send about bookings and orders, built from plain values.

``link`` is an absolute URL or a path under the public URL. With ``event_id``, the message's
idempotency key is that event id and the mail's purpose.
"""

from __future__ import annotations

import enum
import uuid

from alora_core.shared.mail import Branding, EmailMessage, compose


class BookingUpdate(enum.StrEnum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    REMINDER = "reminder"


def booking_update_message(
    update: BookingUpdate,
    branding: Branding,
    *,
    to: str,
    full_name: str,
    service_name: str,
    professional_name: str,
    starts_at: str,
    link: str,
    event_id: uuid.UUID | None = None,
) -> EmailMessage:
    """``starts_at`` is the local start time with its zone, ready to read."""
    booking = f"{service_name} with {professional_name} on {starts_at}"
    subject, summary = {
        BookingUpdate.CONFIRMED: (
            f"Your booking for {service_name} is confirmed",
            f"Your booking is confirmed: {booking}.",
        ),
        BookingUpdate.CANCELLED: (
            f"Your booking for {service_name} was cancelled",
            f"Your booking was cancelled: {booking}.",
        ),
        BookingUpdate.REMINDER: (
            f"Reminder: {service_name} on {starts_at}",
            f"A reminder of your booking: {booking}.",
        ),
    }[update]
    return compose(
        to,
        branding,
        subject=subject,
        greeting=f"Hello {full_name},",
        paragraphs=[summary],
        action=("View the booking", link),
        idempotency_key=_key(event_id, f"booking_{update.value}"),
    )


def order_update_message(
    branding: Branding,
    *,
    to: str,
    full_name: str,
    order_number: str,
    status: str,
    total: str,
    link: str,
    event_id: uuid.UUID | None = None,
) -> EmailMessage:
    """``status`` reads after "is now" (``shipped``); ``total`` is formatted already."""
    return compose(
        to,
        branding,
        subject=f"Your order {order_number} is now {status}",
        greeting=f"Hello {full_name},",
        paragraphs=[f"Your order {order_number} is now {status}.", f"Total: {total}."],
        action=("View the order", link),
        idempotency_key=_key(event_id, "order_update"),
    )


def _key(event_id: uuid.UUID | None, purpose: str) -> str | None:
    return None if event_id is None else f"{event_id}.{purpose}"
