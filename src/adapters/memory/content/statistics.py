"""Content's section of the admin statistics, counted in memory."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from alora_core.content.model import ContactMessage, ContactStatus, Feedback, FeedbackStatus
from alora_core.content.statistics import ContentFigures, contact_received, feedback_received
from alora_core.shared.statistics import StatisticsWindow, newest, zero_filled

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork


class MemoryContentStatistics:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def collect(self, window: StatisticsWindow) -> ContentFigures:
        feedback: list[Feedback] = list(self._uow.scan("feedback", lambda _: True))
        messages: list[ContactMessage] = list(self._uow.scan("contact_messages", lambda _: True))
        return ContentFigures(
            faqs=sum(1 for _ in self._uow.scan("faqs", lambda _: True)),
            feedback_by_status=zero_filled(
                (s.value for s in FeedbackStatus), Counter(f.status.value for f in feedback)
            ),
            contact_messages_by_status=zero_filled(
                (s.value for s in ContactStatus), Counter(m.status.value for m in messages)
            ),
            recent=newest(
                [
                    *(feedback_received(f.id, f.created_at, f.subject) for f in feedback),
                    *(contact_received(m.id, m.created_at, m.subject) for m in messages),
                ],
                window.recent,
            ),
        )
