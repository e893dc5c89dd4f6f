"""The message bus and the subscriptions composed from the context modules.

Each module's commands are routed with a unit of work of its own context, and its handlers run
in one. ``bootstrap`` composes them so, for the configured database or in memory.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

from attrs import define, evolve

from adapters.fernet_sealer import FernetSealer
from alora_core.shared.events import DomainEvent
from alora_core.shared.jobs import Subscriptions
from alora_core.shared.messagebus import MessageBus
from alora_core.shared.statistics import Section, StatisticsWindow
from entrypoints.modules.base import ContextModule, Wiring

UnitOfWorkFactory = Callable[[], Any]

EVENT_SECRETS_KEY = "event-secrets"
"""The purpose the key sealing events' secret fields is derived for (``Wiring.secret``)."""


@define
class Composed:
    bus: MessageBus
    subscriptions: Subscriptions
    units_of_work: dict[str, UnitOfWorkFactory]


def compose(
    modules: Sequence[ContextModule],
    wiring: Wiring,
    on_events: Callable[[list[DomainEvent]], Awaitable[None]],
    unit_of_work: Callable[[ContextModule, Subscriptions], UnitOfWorkFactory],
) -> Composed:
    """The bus and the subscriptions of ``modules``, each module's with its unit of work.

    The subscriptions seal events' secret fields with a key of their own derived from
    ``ALORA_SECRET_KEY``: every process of a deployment opens what any of them sealed."""
    subscriptions = Subscriptions(FernetSealer(wiring.secret(EVENT_SECRETS_KEY)))
    bus = MessageBus(on_events=on_events)
    units = {module.name: unit_of_work(module, subscriptions) for module in modules}
    wiring = evolve(
        wiring,
        statistics={
            module.name: partial(_count_section, units[module.name])
            for module in modules
            if module.statistics is not None
        },
    )
    notices = [rule for module in modules if module.notices for rule in module.notices(wiring)]
    for module in modules:
        bus.register(module.commands(wiring), units[module.name])
        in_context = subscriptions.in_context(units[module.name])
        if module.subscribe is not None:
            module.subscribe(in_context, wiring)
        if module.delivers is not None:
            module.delivers(in_context, notices, wiring)
        if module.after_commit is not None:
            bus.after_commit(module.after_commit(wiring))
    return Composed(bus, subscriptions, units)


async def _count_section(unit_of_work: UnitOfWorkFactory, window: StatisticsWindow) -> Section:
    async with unit_of_work().reading() as uow:
        section: Section = await uow.statistics.collect(window)
        return section
