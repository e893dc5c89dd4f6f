"""Reports' events. ``name`` is the wire name used by the outbox."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar

from attrs import frozen

from alora_core.shared.events import DomainEvent


@frozen(kw_only=True)
class ActivityReported(DomainEvent):
    """The activity report of one UTC day was made, with its figures."""

    name: ClassVar[str] = "report.activity_created"
    report_id: uuid.UUID
    day: date
    new_users_by_role: dict[str, int]
    logins: int
    notifications_sent: int

    @property
    def new_users(self) -> int:
        return sum(self.new_users_by_role.values())
