"""Notifications: stored, pushed in real time (right after commit, by the committing process),
emailed as each user's settings allow. The notifications context delivers what every other
context wants told (``NoticeRule``s)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from alora_core.notifications import handlers
from alora_core.notifications import use_cases as notifications
from alora_core.notifications.commands import SendHeldEmails
from alora_core.shared.jobs import ContextSubscriptions
from alora_core.shared.messagebus import AfterCommit, CommandHandler
from alora_core.shared.notices import NoticeRule
from entrypoints.modules.base import ContextModule, Wiring
from entrypoints.scheduler import ScheduledJob

if TYPE_CHECKING:
    from entrypoints.bootstrap import Alora


def _commands(wiring: Wiring) -> Mapping[type, CommandHandler]:
    deps = notifications.NotificationsDeps(
        clock=wiring.clock, mailer=wiring.mailer, branding=wiring.branding
    )
    return notifications.command_handlers(deps)


def _subscribe(subscriptions: ContextSubscriptions, wiring: Wiring) -> None:
    handlers.subscribe(
        subscriptions,
        mailer=wiring.mailer,
        branding=wiring.branding,
        clock=wiring.clock,
    )


def _after_commit(wiring: Wiring) -> AfterCommit:
    return handlers.push_after_commit(wiring.realtime)


def _deliver(subscriptions: ContextSubscriptions, rules: list[NoticeRule], wiring: Wiring) -> None:
    handlers.deliver_notices(subscriptions, rules, wiring.clock)


async def _held_emails(alora: Alora, scheduled_for: datetime) -> str:
    sent = await alora.bus.handle(SendHeldEmails())
    return f"sent {sent} held notification email(s)"


MODULE = ContextModule(
    name="notifications",
    sql_unit_of_work="adapters.sqlalchemy.notifications.uow:SqlNotificationsUnitOfWork",
    memory_unit_of_work="adapters.memory.notifications.uow:MemoryNotificationsUnitOfWork",
    tables=("adapters.sqlalchemy.notifications.repositories",),
    migrations="adapters.sqlalchemy.notifications.migrations",
    commands=_commands,
    subscribe=_subscribe,
    delivers=_deliver,
    after_commit=_after_commit,
    jobs=(
        ScheduledJob(
            "held-emails",
            "Send the notification emails held back by quiet hours whose time has come.",
            _held_emails,
            "* * * * *",
        ),
    ),
    routes="entrypoints.http.notifications:ROUTE_HANDLERS",
)
