"""Content's section of the admin statistics: FAQ entries, feedback and contact messages by
status, and the latest feedback and messages."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from attrs import frozen

from alora_core.shared.statistics import Activity, StatisticsWindow


@frozen(kw_only=True)
class ContentFigures:
    faqs: int
    feedback_by_status: dict[str, int]
    contact_messages_by_status: dict[str, int]
    recent: Sequence[Activity]


def feedback_received(feedback_id: uuid.UUID, at: datetime, subject: str) -> Activity:
    return Activity(kind="feedback.received", at=at, subject_id=feedback_id, summary=subject)


def contact_received(message_id: uuid.UUID, at: datetime, subject: str) -> Activity:
    return Activity(kind="contact.received", at=at, subject_id=message_id, summary=subject)


class ContentStatistics(Protocol):
    async def collect(self, window: StatisticsWindow) -> ContentFigures: ...
