"""Identity's event handlers: the emails its events cause, run as background jobs."""

from __future__ import annotations

from functools import partial

from alora_core.identity import mails
from alora_core.identity.events import (
    CodeIssued,
    PasswordChanged,
    SessionRevokedForReuse,
    UserDeleted,
    UserRegistered,
)
from alora_core.identity.ports import IdentityUnitOfWork
from alora_core.shared.jobs import ContextSubscriptions
from alora_core.shared.mail import Branding, Mailer


async def code_email(event: CodeIssued, uow: object, *, mailer: Mailer, branding: Branding) -> None:
    await mailer.send(mails.code_message(event, branding))


async def welcome_email(
    event: UserRegistered, uow: object, *, mailer: Mailer, branding: Branding
) -> None:
    await mailer.send(mails.welcome_message(event, branding))


async def account_deleted_email(
    event: UserDeleted, uow: object, *, mailer: Mailer, branding: Branding
) -> None:
    await mailer.send(mails.account_deleted_message(event, branding))


async def security_alert_email(
    event: SessionRevokedForReuse,
    uow: IdentityUnitOfWork,
    *,
    mailer: Mailer,
    branding: Branding,
) -> None:
    user = await uow.users.get(event.user_id)
    if user is not None:
        await mailer.send(mails.security_alert_message(event, user, branding))


async def password_changed_email(
    event: PasswordChanged,
    uow: IdentityUnitOfWork,
    *,
    mailer: Mailer,
    branding: Branding,
) -> None:
    user = await uow.users.get(event.user_id)
    if user is not None:
        await mailer.send(mails.password_changed_message(event, user, branding))


def subscribe(subscriptions: ContextSubscriptions, *, mailer: Mailer, branding: Branding) -> None:
    """Subscribe identity's handlers, bound to the mailer and branding they send with."""
    add = subscriptions.add
    add(CodeIssued, "identity.code_email", partial(code_email, mailer=mailer, branding=branding))
    add(
        UserRegistered,
        "identity.welcome_email",
        partial(welcome_email, mailer=mailer, branding=branding),
    )
    add(
        UserDeleted,
        "identity.account_deleted_email",
        partial(account_deleted_email, mailer=mailer, branding=branding),
    )
    add(
        SessionRevokedForReuse,
        "identity.security_alert_email",
        partial(security_alert_email, mailer=mailer, branding=branding),
    )
    add(
        PasswordChanged,
        "identity.password_changed_email",
        partial(password_changed_email, mailer=mailer, branding=branding),
    )
