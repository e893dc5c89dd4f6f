"""The message bus: routes each command to its use case and returns what the use case returns
(the command's ``Command[R]`` says what that is).

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


class UnknownCommand(LookupError):
    pass


class MessageBus:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        command_handlers: Mapping[type, CommandHandler],
        on_events: EventsCommitted | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._command_handlers = dict(command_handlers)
        self._on_events = on_events

    async def handle(self, command: Command[T]) -> T:
        try:
            handler = self._command_handlers[type(command)]
        except KeyError:
            raise UnknownCommand(type(command).__name__) from None
        uow = self._uow_factory()
        try:
            result: T = await handler(command, uow)
            return result
        finally:
            # A use case may commit and then refuse (a reused refresh token): its events count.
            events = uow.collect_events()
            if events and self._on_events is not None:
                try:
                    await self._on_events(events)
                except Exception:
                    # They are safe in the outbox; the relay's polling picks them up.
                    logger.exception("could not signal committed events")
