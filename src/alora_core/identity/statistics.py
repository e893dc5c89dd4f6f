"""Identity's section of the admin statistics: accounts by role, and the latest sign-ups."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from attrs import frozen

from alora_core.shared.statistics import Activity, StatisticsWindow


@frozen(kw_only=True)
class UserFigures:
    users_by_role: dict[str, int]
    """Every role, zeros included."""
    recent: Sequence[Activity]

    @property
    def users_total(self) -> int:
        return sum(self.users_by_role.values())


def user_registered(user_id: uuid.UUID, at: datetime, username: str, role: str) -> Activity:
    return Activity(
        kind="user.registered", at=at, subject_id=user_id, summary=f"{username} ({role})"
    )


class UserStatistics(Protocol):
    async def collect(self, window: StatisticsWindow) -> UserFigures: ...
