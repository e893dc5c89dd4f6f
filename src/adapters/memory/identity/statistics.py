"""Identity's section of the admin statistics, counted in memory."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from alora_core.identity.model import Role, User
from alora_core.identity.statistics import UserFigures, user_registered
from alora_core.shared.statistics import StatisticsWindow, newest, zero_filled

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork


class MemoryUserStatistics:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def collect(self, window: StatisticsWindow) -> UserFigures:
        users: list[User] = list(self._uow.scan("users", lambda _: True))
        return UserFigures(
            users_by_role=zero_filled(
                (role.value for role in Role), Counter(u.role.value for u in users)
            ),
            recent=newest(
                (user_registered(u.id, u.created_at, u.username, u.role.value) for u in users),
                window.recent,
            ),
        )
