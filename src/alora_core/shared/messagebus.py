"""The message bus: routes each command to its use case, with a unit of work of the use case's
context, and returns what the use case returns (the command's ``Command[R]`` says what).

Events the use case raised are in the outbox by the time it returns (the unit of work wrote
them in its transaction); ``on_events`` then tells the background machinery they are there.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from alora_core.shared.commands import Command
from alora_core.shared.events import DomainEvent
from alora_core.shared.uow import UnitOfWork

logger = logging.getLogger("alora.bus")

T = TypeVar("T")

CommandHandler = Callable[[Any, Any], Awaitable[Any]]
"""``async def use_case(command, uow) -> result``, other dependencies already bound."""

EventsCommitted = Callable[[list[DomainEvent]], Awaitable[None]]
AfterCommit = Callable[[list[DomainEvent]], Awaitable[None]]
"""``await hook(events)``: done in the committing process right after a commit (see
``MessageBus.after_commit``)."""


class UnknownCommand(LookupError):
    pass


class MessageBus:
    def __init__(self, on_events: EventsCommitted | None = None) -> None:
        self._routes: dict[type, tuple[CommandHandler, Callable[[], UnitOfWork]]] = {}
        self._on_events = on_events
        self._listeners: list[Callable[[list[DomainEvent]], None]] = []
        self._after_commit: list[AfterCommit] = []

    def listen(self, listener: Callable[[list[DomainEvent]], None]) -> None:
        """Call ``listener`` with the events each command committed, right after it (in this
        process; handlers that must not miss an event subscribe through the outbox)."""
        self._listeners.append(listener)

    def after_commit(self, hook: AfterCommit) -> None:
        """Await ``hook`` with the events each commit of this process made, right after the
        commit: a command's, before ``handle`` returns, and a job's (``committed``). The fast
        path for what connected users should see now, and for caches to forget what changed.
        Best effort: a hook that fails is logged; what must not be lost goes through the
        outbox."""
        self._after_commit.append(hook)

    async def committed(self, events: list[DomainEvent]) -> None:
        """Run the after-commit hooks for ``events`` (a job's commit calls this)."""
        for hook in self._after_commit:
            try:
                await hook(events)
            except Exception:
                logger.exception("an after-commit hook failed")

    def register(
        self, handlers: Mapping[type, CommandHandler], unit_of_work: Callable[[], UnitOfWork]
    ) -> None:
        """Route each command of ``handlers`` to its use case, run with a fresh unit of work
        from ``unit_of_work``. A command routed already is an error."""
        for command, handler in handlers.items():
            if command in self._routes:
                raise ValueError(f"{command.__name__} has a handler already")
            self._routes[command] = (handler, unit_of_work)

    @property
    def commands(self) -> Mapping[type, CommandHandler]:
        """Each routed command's use case."""
        return {command: handler for command, (handler, _) in self._routes.items()}

    async def handle(self, command: Command[T]) -> T:
        try:
            handler, unit_of_work = self._routes[type(command)]
        except KeyError:
            raise UnknownCommand(type(command).__name__) from None
        uow = unit_of_work()
        try:
            result: T = await handler(command, uow)
            return result
        finally:
            # A use case may commit and then refuse (a reused refresh token): its events count.
            events = uow.collect_events()
            if events:
                for listener in self._listeners:
                    listener(events)
                await self.committed(events)
                if self._on_events is not None:
                    try:
                        await self._on_events(events)
                    except Exception:
                        # They are safe in the outbox; the relay's polling picks them up.
                        logger.exception("could not signal committed events")
