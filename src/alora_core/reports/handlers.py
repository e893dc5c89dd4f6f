"""Reports' event handlers, run as background jobs."""

from __future__ import annotations

from functools import partial

from alora_core.reports import mails
from alora_core.reports.events import ActivityReported
from alora_core.reports.ports import ReportsUnitOfWork
from alora_core.shared.jobs import ContextSubscriptions
from alora_core.shared.mail import Branding, Mailer


async def email_admins(
    event: ActivityReported, uow: ReportsUnitOfWork, *, mailer: Mailer, branding: Branding
) -> None:
    """Email the report to every administrator who is not suspended.

    A retry after a failure part-way sends again to those already served; each message keeps
    its idempotency key (the event id and the address), so the copies are recognisably one.
    """
    for email in await uow.admins.emails():
        await mailer.send(mails.activity_report_message(event, email, branding))


def subscribe(subscriptions: ContextSubscriptions, *, mailer: Mailer, branding: Branding) -> None:
    """Subscribe the reports context's handlers, bound to the mailer and branding."""
    subscriptions.add(
        ActivityReported,
        "reports.email_admins",
        partial(email_admins, mailer=mailer, branding=branding),
    )
