"""Content: FAQ, feedback, contact messages and the about page."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from attrs import frozen

from alora_core.content import handlers
from alora_core.content import use_cases as content
from alora_core.shared.jobs import ContextSubscriptions
from alora_core.shared.messagebus import CommandHandler
from alora_core.shared.ratelimit import Limit
from entrypoints.modules.base import ContextModule, Wiring
from entrypoints.settings import SettingsGroup, Variable, parse_int


@frozen(kw_only=True)
class ContentSettings:
    feedback_rate_per_hour: int
    contact_rate_per_hour: int


SETTINGS = SettingsGroup(
    ContentSettings,
    (
        Variable(
            "ALORA_FEEDBACK_RATE_PER_HOUR",
            parse_int(1, 100_000),
            "5",
            "Feedback messages one client IP may send per hour (429 beyond).",
            field="feedback_rate_per_hour",
        ),
        Variable(
            "ALORA_CONTACT_RATE_PER_HOUR",
            parse_int(1, 100_000),
            "5",
            "Contact messages one client IP may send per hour (429 beyond).",
            field="contact_rate_per_hour",
        ),
    ),
)


def _commands(wiring: Wiring) -> Mapping[type, CommandHandler]:
    settings = wiring.settings.of(ContentSettings)
    hour = timedelta(hours=1)
    deps = content.ContentDeps(
        clock=wiring.clock,
        limiter=wiring.limiter,
        config=content.ContentConfig(
            feedback_limit=Limit(settings.feedback_rate_per_hour, hour),
            contact_limit=Limit(settings.contact_rate_per_hour, hour),
        ),
    )
    return content.command_handlers(deps)


def _subscribe(subscriptions: ContextSubscriptions, wiring: Wiring) -> None:
    handlers.subscribe(subscriptions, mailer=wiring.mailer, branding=wiring.branding)


MODULE = ContextModule(
    name="content",
    sql_unit_of_work="adapters.sqlalchemy.content.uow:SqlContentUnitOfWork",
    memory_unit_of_work="adapters.memory.content.uow:MemoryContentUnitOfWork",
    tables=("adapters.sqlalchemy.content.repositories",),
    settings=SETTINGS,
    commands=_commands,
    subscribe=_subscribe,
    routes="entrypoints.http.content:ROUTE_HANDLERS",
    statistics="entrypoints.http.content.statistics:SHAPE",
    seed="entrypoints.cli.seed_content:seed_content",
)
