"""Content's section of the admin statistics, counted in SQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.sqlalchemy.content.repositories import (
    contact_messages_table,
    faqs_table,
    feedback_table,
)
from adapters.sqlalchemy.counting import count_by, count_rows, latest
from alora_core.content.model import ContactStatus, FeedbackStatus
from alora_core.content.statistics import ContentFigures, contact_received, feedback_received
from alora_core.shared.statistics import StatisticsWindow, newest

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

_f, _m = feedback_table.c, contact_messages_table.c


class SqlContentStatistics:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def collect(self, window: StatisticsWindow) -> ContentFigures:
        uow, limit = self._uow, window.recent
        recent = [
            *(
                feedback_received(*row)
                for row in await latest(uow, limit, _f.id, _f.created_at, _f.subject)
            ),
            *(
                contact_received(*row)
                for row in await latest(uow, limit, _m.id, _m.created_at, _m.subject)
            ),
        ]
        return ContentFigures(
            faqs=await count_rows(uow, faqs_table),
            feedback_by_status=await count_by(uow, _f.status, [s.value for s in FeedbackStatus]),
            contact_messages_by_status=await count_by(
                uow, _m.status, [s.value for s in ContactStatus]
            ),
            recent=newest(recent, limit),
        )
