"""In-memory adapters of the reports context, reading through a ``MemoryUnitOfWork``."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from alora_core.booking.bookings.model import Booking, BookingStatus
from alora_core.booking.reviews.model import Review
from alora_core.content.model import ContactMessage, ContactStatus, Feedback, FeedbackStatus
from alora_core.identity.model import Role, Session, User
from alora_core.reports import queries as q
from alora_core.reports.model import ActivityCounts, ActivityReport

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork


class MemoryActivityReports:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, report: ActivityReport) -> None:
        self._uow.add("reports", report)

    async def get_by_day(self, day: date) -> ActivityReport | None:
        return next(self._uow.scan("reports", lambda r: r.day == day), None)


class MemoryActivityFigures:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def collect(self, start: datetime, end: datetime) -> ActivityCounts:
        def within(row: Any) -> bool:
            return bool(start <= row.created_at < end)

        users: list[User] = list(self._uow.scan("users", within))
        sessions: list[Session] = list(self._uow.scan("sessions", within))
        notifications = 0
        if hasattr(self._uow.store, "notifications"):  # a table of the notifications context
            notifications = sum(1 for _ in self._uow.scan("notifications", within))
        return ActivityCounts(
            new_users_by_role=dict(Counter(user.role.value for user in users)),
            logins=len(sessions),
            notifications_sent=notifications,
        )


class MemoryAdmins:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def emails(self) -> list[str]:
        admins = self._uow.scan("users", lambda u: u.role is Role.ADMIN and not u.suspended)
        return sorted(user.email for user in admins)


def _by(values: type[StrEnum], found: Counter[str]) -> dict[str, int]:
    """``found`` with every value of the enum, zero where nothing was found."""
    return {value.value: found.get(value.value, 0) for value in values}


class MemoryPlatformFigures:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def _all(self, table: str) -> list[Any]:
        return list(self._uow.scan(table, lambda _: True))

    async def collect(self, since: datetime, recent: int) -> q.PlatformFigures:
        users: list[User] = self._all("users")
        bookings: list[Booking] = self._all("bookings")
        reviews: list[Review] = self._all("reviews")
        feedback: list[Feedback] = self._all("feedback")
        messages: list[ContactMessage] = self._all("contact_messages")
        services = [s for s in self._all("services") if not s.deleted]
        activities = [
            *(q.user_registered(u.id, u.created_at, u.username, u.role.value) for u in users),
            *(q.booking_requested(b.id, b.created_at, b.start) for b in bookings),
            *(q.review_created(r.id, r.created_at, r.rating) for r in reviews),
            *(q.feedback_received(f.id, f.created_at, f.subject) for f in feedback),
            *(q.contact_received(m.id, m.created_at, m.subject) for m in messages),
        ]
        return q.PlatformFigures(
            users_by_role=_by(Role, Counter(u.role.value for u in users)),
            bookings_by_status=_by(BookingStatus, Counter(b.status.value for b in bookings)),
            bookings_by_day=dict(
                Counter(
                    b.created_at.astimezone(UTC).date() for b in bookings if b.created_at >= since
                )
            ),
            review_count=len(reviews),
            rating_total=sum(r.rating for r in reviews),
            content=q.ContentCounts(
                services=len(services),
                active_services=sum(1 for s in services if s.active),
                professionals=len(self._all("professional_profiles")),
                faqs=len(self._all("faqs")),
                feedback_by_status=_by(FeedbackStatus, Counter(f.status.value for f in feedback)),
                contact_messages_by_status=_by(
                    ContactStatus, Counter(m.status.value for m in messages)
                ),
                files=len(self._all("files")),
            ),
            recent=q.newest(activities, recent),
        )
