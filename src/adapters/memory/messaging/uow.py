"""Messaging's unit of work in memory."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.memory.messaging.people import MemoryPeople
from adapters.memory.uow import MemoryUnitOfWork
from adapters.repository import repository

if TYPE_CHECKING:
    from alora_core.messaging.ports import MessagingUnitOfWork


class MemoryMessagingUnitOfWork(MemoryUnitOfWork):
    people = repository(MemoryPeople)


if TYPE_CHECKING:

    def _conforms(uow: MemoryMessagingUnitOfWork) -> MessagingUnitOfWork:
        return uow
