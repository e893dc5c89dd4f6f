"""What the messaging context needs from the outside world."""

from __future__ import annotations

from typing import Protocol

from alora_core.messaging.people import People
from alora_core.shared.uow import UnitOfWork


class MessagingUnitOfWork(UnitOfWork, Protocol):
    @property
    def people(self) -> People: ...
