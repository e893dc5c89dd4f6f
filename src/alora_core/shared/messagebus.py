"""The message bus: routes each command to its use case, then the events it raised to handlers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from alora_core.shared.events import DomainEvent
from alora_core.shared.uow import UnitOfWork

logger = logging.getLogger("alora.bus")

CommandHandler = Callable[[Any, Any], Awaitable[Any]]
"""``async def use_case(command, uow) -> result``, other dependencies already bound."""

EventHandler = Callable[[Any], Awaitable[None]]


class UnknownCommand(LookupError):
    pass


class MessageBus:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        command_handlers: Mapping[type, CommandHandler],
        event_handlers: Mapping[type[DomainEvent], Sequence[EventHandler]] | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._command_handlers = dict(command_handlers)
        self._event_handlers = {k: list(v) for k, v in (event_handlers or {}).items()}

    async def handle(self, command: object) -> Any:
        try:
            handler = self._command_handlers[type(command)]
        except KeyError:
            raise UnknownCommand(type(command).__name__) from None
        uow = self._uow_factory()
        try:
            return await handler(command, uow)
        finally:
            # A use case may commit and then refuse (a reused refresh token): its events still go.
            await self.publish(uow.collect_events())

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        for event in events:
            for handler in self._event_handlers.get(type(event), ()):
                try:
                    await handler(event)
                except Exception:
                    logger.exception("event handler failed", extra={"event": event.name})
