"""The activity report: what happened on Alora during one UTC day."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from attrs import define, field, frozen

from alora_core.reports.events import ActivityReported
from alora_core.shared.events import EventRecorder
from alora_core.shared.ids import new_id


def day_window(day: date) -> tuple[datetime, datetime]:
    """The UTC day as a half-open range ``[start, end)``."""
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


@frozen(kw_only=True)
class ActivityCounts:
    """Figures over a time range, as ``ActivityFigures.collect`` counts them."""

    new_users_by_role: dict[str, int]
    """Accounts created in the range, by role; roles without new accounts are left out."""
    logins: int
    """Sessions opened in the range: one per sign-in."""
    notifications_sent: int


@define(slots=False, kw_only=True)
class ActivityReport(EventRecorder):
    """One per day: the first run for a day makes it, later runs find it."""

    day: date
    new_users_by_role: dict[str, int]
    logins: int
    notifications_sent: int
    created_at: datetime
    id: uuid.UUID = field(factory=new_id)

    @classmethod
    def create(cls, day: date, counts: ActivityCounts, now: datetime) -> ActivityReport:
        by_role = {role: n for role, n in sorted(counts.new_users_by_role.items()) if n}
        report = cls(
            day=day,
            new_users_by_role=by_role,
            logins=counts.logins,
            notifications_sent=counts.notifications_sent,
            created_at=now,
        )
        report.record(
            ActivityReported(
                occurred_at=now,
                report_id=report.id,
                day=day,
                new_users_by_role=dict(by_role),
                logins=report.logins,
                notifications_sent=report.notifications_sent,
            )
        )
        return report

    @property
    def new_users(self) -> int:
        return sum(self.new_users_by_role.values())
