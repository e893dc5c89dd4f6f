"""Content's event handlers, run as background jobs inside a unit of work."""

from __future__ import annotations

from functools import partial

from alora_core.content.events import ContactReceived
from alora_core.content.mails import contact_message_email
from alora_core.content.ports import ContentUnitOfWork
from alora_core.shared.jobs import ContextSubscriptions
from alora_core.shared.mail import Branding, Mailer


async def email_admins(
    event: ContactReceived, uow: ContentUnitOfWork, *, mailer: Mailer, branding: Branding
) -> None:
    """Email the message to every administrator who is not suspended; nothing when it was
    deleted before the job ran. Each email is named by the event and the address, so a retry
    after a failure part-way sends recognisable copies."""
    message = await uow.contact_messages.get(event.message_id)
    if message is None:
        return
    for email in await uow.admins.emails():
        key = f"{event.event_id}.{email}"
        await mailer.send(contact_message_email(message, email, branding, key))


def subscribe(subscriptions: ContextSubscriptions, *, mailer: Mailer, branding: Branding) -> None:
    """Subscribe the content context's handlers, bound to the mailer and branding."""
    subscriptions.add(
        ContactReceived,
        "content.email_admins",
        partial(email_admins, mailer=mailer, branding=branding),
    )
