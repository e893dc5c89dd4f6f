"""Reports on every backend (memory, SQLite, PostgreSQL): the activity report (its figures,
made once per day, and the email to administrators) and the admin statistics, composed of each
context's section.

The ``alora`` fixture composes Alora on the test's backend with ``FixedClock(START)``. Users,
logins, notifications, bookings and content are made through the bus; the report's handler is
called as the job runner calls it.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from attrs import define

from adapters.memory.hasher import FastPasswordHasher
from adapters.memory.mail import MemoryMailer
from alora_core.booking.bookings import commands as bc
from alora_core.booking.catalog.commands import CreateService, NewService
from alora_core.booking.professionals import commands as pc
from alora_core.booking.professionals.availability import Weekday
from alora_core.booking.reviews import commands as rc
from alora_core.booking.statistics import BookingFigures
from alora_core.content import commands as cc
from alora_core.content.statistics import ContentFigures
from alora_core.files.statistics import FileFigures
from alora_core.identity import commands as c
from alora_core.identity.statistics import UserFigures
from alora_core.reports.commands import CreateActivityReport, GetPlatformStatistics
from alora_core.reports.events import ActivityReported
from alora_core.reports.handlers import email_admins, subscribe
from alora_core.reports.model import ActivityReport, day_window
from alora_core.reports.queries import PlatformStatistics
from alora_core.shared.actor import Actor, Role
from alora_core.shared.clock import FixedClock
from alora_core.shared.errors import Forbidden, Invalid
from alora_core.shared.events import DomainEvent
from alora_core.shared.jobs import Subscriptions
from alora_core.shared.mail import Branding
from alora_core.shared.serialization import event_from_message, event_to_message
from entrypoints.bootstrap import Alora, build_in_memory
from entrypoints.modules import MODULES
from support.accounts import login, make_admin, register, verified_user
from support.backends import Backend, committed_events

START = datetime(2029, 12, 31, 23, 0, tzinfo=UTC)
AN_ADMIN = Actor(user_id=uuid.UUID(int=1), role=Role.ADMIN)
DAY = date(2030, 1, 1)


@pytest.fixture
async def alora(backend: Backend) -> Alora:
    return await backend.build(clock=FixedClock(START))


def advance_to(alora: Alora, moment: datetime) -> None:
    alora.clock.advance(moment - alora.clock.now())  # type: ignore[attr-defined]


@define
class Reports:
    alora: Alora
    committed: list[DomainEvent]

    @property
    def reported(self) -> list[ActivityReported]:
        """Every ``ActivityReported`` committed since the fixture was made."""
        return [event for event in self.committed if isinstance(event, ActivityReported)]

    async def make(self, day: date = DAY) -> tuple[ActivityReport, list[ActivityReported]]:
        """The report of ``day`` and the ``ActivityReported`` events committed meanwhile."""
        before = len(self.reported)
        report = await self.alora.bus.handle(CreateActivityReport(day=day))
        return report, self.reported[before:]


@pytest.fixture
def reports(alora: Alora) -> Reports:
    return Reports(alora, committed_events(alora))


async def collect(alora: Alora, day: date = DAY) -> Any:
    async with alora.units_of_work["reports"]().reading() as uow:
        return await uow.activity_figures.collect(*day_window(day))


async def a_busy_day(alora: Alora) -> None:
    """The day before ``DAY`` one customer joins; on ``DAY`` two customers, a professional and
    an administrator join and sign in five times; the day after one more joins and signs in."""
    await verified_user(alora, "early")
    await login(alora, "early")

    advance_to(alora, datetime(2030, 1, 1, 1, 0, tzinfo=UTC))
    await verified_user(alora, "ana")
    await register(alora, "bob")
    await verified_user(alora, "pro", role="professional")
    await make_admin(alora)  # signs in once
    await login(alora, "ana")
    await login(alora, "ana")
    await login(alora, "pro")
    await login(alora, "early")

    advance_to(alora, datetime(2030, 1, 2, 0, 30, tzinfo=UTC))
    await verified_user(alora, "late")
    await login(alora, "late")


async def test_the_report_counts_one_utc_day(alora: Alora, reports: Reports) -> None:
    await a_busy_day(alora)

    report, events = await reports.make()

    assert report.day == DAY
    assert report.new_users_by_role == {"admin": 1, "customer": 2, "professional": 1}
    assert report.new_users == 4
    assert report.logins == 5
    assert report.created_at == alora.clock.now()
    [event] = events
    assert isinstance(event, ActivityReported)
    assert (event.report_id, event.day, event.logins) == (report.id, DAY, 5)
    assert event.new_users_by_role == report.new_users_by_role
    assert event.notifications_sent == report.notifications_sent
    assert event_from_message(event_to_message(event)) == event


async def test_a_quiet_day_has_a_report_of_zeros(alora: Alora, reports: Reports) -> None:
    advance_to(alora, datetime(2030, 1, 5, 1, 0, tzinfo=UTC))
    report, _ = await reports.make(date(2030, 1, 3))
    assert (report.new_users_by_role, report.logins, report.notifications_sent) == ({}, 0, 0)


async def test_notifications_of_the_day_are_counted(alora: Alora, reports: Reports) -> None:
    from alora_core.notifications.commands import Notify
    from alora_core.notifications.model import NotificationType

    ana = await verified_user(alora, "ana")
    advance_to(alora, datetime(2030, 1, 1, 8, 0, tzinfo=UTC))
    before = (await collect(alora)).notifications_sent  # those other contexts sent on their own

    def note(title: str) -> Notify:
        return Notify(recipient_id=ana.id, type=NotificationType.INFO, title=title, body="Hello")

    await alora.bus.handle(note("one"))
    await alora.bus.handle(note("two"))
    advance_to(alora, datetime(2030, 1, 2, 1, 0, tzinfo=UTC))
    await alora.bus.handle(note("the next day"))

    report, _ = await reports.make()
    assert report.notifications_sent == before + 2


async def test_a_second_run_returns_the_report_without_side_effects(
    alora: Alora, reports: Reports
) -> None:
    await a_busy_day(alora)
    first, first_events = await reports.make()
    await login(alora, "ana")  # later activity does not change a report made already

    second, second_events = await reports.make()

    assert second.id == first.id
    assert (second.logins, second.created_at) == (first.logins, first.created_at)
    assert len(first_events) == 1
    assert second_events == []


async def test_concurrent_runs_make_one_report(alora: Alora, reports: Reports) -> None:
    await a_busy_day(alora)

    runs = await asyncio.gather(*(reports.make() for _ in range(4)))

    assert len({report.id for report, _ in runs}) == 1
    assert len(reports.reported) == 1


async def test_only_days_that_are_over_have_reports(alora: Alora, reports: Reports) -> None:
    advance_to(alora, datetime(2030, 1, 1, 23, 59, tzinfo=UTC))
    with pytest.raises(Invalid):
        await reports.make(DAY)
    with pytest.raises(Invalid):
        await reports.make(date(2030, 1, 5))
    advance_to(alora, datetime(2030, 1, 2, tzinfo=UTC))
    report, _ = await reports.make(DAY)
    assert report.day == DAY


async def test_every_active_administrator_gets_the_report_by_email(
    alora: Alora, reports: Reports
) -> None:
    root = await make_admin(alora)
    for name in ("ops", "gone"):
        await alora.bus.handle(
            c.CreateAdmin(
                full_name=name.title(),
                username=name,
                email=f"{name}@example.com",
                password="admin password 1",
            )
        )
    gone = await alora.bus.handle(c.Login(identifier="gone", password="admin password 1"))
    await alora.bus.handle(c.SuspendUser(actor=root, user_id=gone.user.id, reason="left"))
    await verified_user(alora, "ana")  # not an administrator
    advance_to(alora, datetime(2030, 1, 2, 1, 0, tzinfo=UTC))
    _, [event] = await reports.make(START.date())

    mailer = MemoryMailer()
    branding = Branding("Alora", "https://alora.example")
    async with alora.units_of_work["reports"]() as uow:
        await email_admins(event, uow, mailer=mailer, branding=branding)

    assert [m.to for m in mailer.sent] == ["ops@example.com", "root@example.com"]
    for message in mailer.sent:
        assert message.idempotency_key == f"{event.event_id}.{message.to}"
        assert "2029-12-31" in message.subject
        assert "New accounts: 4 (admin 3, customer 1)" in message.text
        assert "Sign-ins: 2" in message.text  # root's, and gone's before the suspension
        assert "Sign-ins: 2" in message.html
        assert "Notifications sent:" in message.text


def test_the_handler_is_subscribed_to_the_event() -> None:
    subscriptions = Subscriptions()
    subscribe(subscriptions.in_context(lambda: None), mailer=MemoryMailer(), branding=Branding())
    assert subscriptions.handlers_for(ActivityReported.name) == ["reports.email_admins"]
    assert ActivityReported.name == "report.activity_created"
    assert day_window(DAY) == (
        datetime(2030, 1, 1, tzinfo=UTC),
        datetime(2030, 1, 1, tzinfo=UTC) + timedelta(days=1),
    )


# --- platform statistics -----------------------------------------------------------------------


async def a_small_marketplace(alora: Alora) -> dict[str, Any]:
    """On 2030-01-01 (UTC) a service, a professional open around the clock, and a customer who
    books twice; one booking is completed and reviewed (4 stars), the other cancelled. On
    2030-01-02 she books once more, and a feedback and a contact message arrive."""
    advance_to(alora, datetime(2030, 1, 1, 8, 0, tzinfo=UTC))
    admin = await make_admin(alora)
    ana = await verified_user(alora, "ana")
    await register(alora, "bob")
    pro = await verified_user(alora, "pro", role="professional")
    customer = Actor(user_id=ana.id, role=Role.CUSTOMER, email_verified=True)
    professional = Actor(user_id=pro.id, role=Role.PROFESSIONAL, email_verified=True)
    service = await alora.bus.handle(
        CreateService(
            actor=admin,
            service=NewService(title="Plumbing", category="home"),
        )
    )
    await alora.bus.handle(
        pc.SaveProfile(
            actor=professional,
            timezone="UTC",
            service_ids=[service.id],
            categories=["home"],
        )
    )
    await alora.bus.handle(
        pc.SetAvailability(
            actor=professional,
            timezone="UTC",
            weekly=[
                pc.DayInput(day=day.value, slots=[pc.HoursInput(start="00:00", end="24:00")])
                for day in Weekday
            ],
            rules=pc.RulesInput(min_notice_minutes=0),
        )
    )

    async def book(start: datetime) -> Any:
        return await alora.bus.handle(
            bc.RequestBooking(
                actor=customer,
                professional_id=pro.id,
                service_id=service.id,
                start=start,
                duration_minutes=60,
                address="1 Main Street",
            )
        )

    done = await book(datetime(2030, 1, 1, 10, 0, tzinfo=UTC))
    dropped = await book(datetime(2030, 1, 1, 12, 0, tzinfo=UTC))
    await alora.bus.handle(bc.ConfirmBooking(actor=professional, booking_id=done.id))
    await alora.bus.handle(bc.CancelBooking(actor=customer, booking_id=dropped.id, reason="ill"))
    advance_to(alora, datetime(2030, 1, 1, 11, 30, tzinfo=UTC))
    await alora.bus.handle(bc.CompleteBooking(actor=professional, booking_id=done.id))
    review = await alora.bus.handle(rc.WriteReview(actor=customer, booking_id=done.id, rating=4))
    advance_to(alora, datetime(2030, 1, 2, 9, 0, tzinfo=UTC))
    later = await book(datetime(2030, 1, 3, 9, 0, tzinfo=UTC))
    await alora.bus.handle(
        cc.SubmitFeedback(
            rating=5, subject="Love it", message="Great app", name="Ana", email="a@x.io", ip="1"
        )
    )
    await alora.bus.handle(
        cc.SendContactMessage(
            name="Bob", email="b@x.io", subject="Invoice", message="Where is it?", ip="2"
        )
    )
    return {"admin": admin, "review": review.review, "later": later, "ana": ana}


async def statistics(alora: Alora, **fields: Any) -> PlatformStatistics:
    stats: PlatformStatistics = await alora.bus.handle(
        GetPlatformStatistics(actor=AN_ADMIN, **fields)
    )
    return stats


async def test_the_statistics_count_users_bookings_reviews_and_content(alora: Alora) -> None:
    made = await a_small_marketplace(alora)
    advance_to(alora, datetime(2030, 1, 20, 12, 0, tzinfo=UTC))

    stats = await statistics(alora)

    assert stats.generated_at == alora.clock.now()
    users = stats.section(UserFigures)
    assert users.users_by_role == {"customer": 2, "professional": 1, "admin": 1}
    assert users.users_total == 4
    bookings = stats.section(BookingFigures)
    assert bookings.bookings_by_status == {
        "pending": 1, "confirmed": 0, "rejected": 0, "cancelled": 1, "completed": 1,
        "expired": 0,
    }  # fmt: skip
    assert len(bookings.bookings_per_day) == 30
    assert bookings.bookings_per_day[0].day == date(2029, 12, 22)
    assert bookings.bookings_per_day[-1].day == date(2030, 1, 20)
    per_day = {entry.day: entry.count for entry in bookings.bookings_per_day if entry.count}
    assert per_day == {date(2030, 1, 1): 2, date(2030, 1, 2): 1}
    assert (bookings.average_rating, bookings.review_count) == (4.0, 1)
    assert (bookings.services, bookings.active_services, bookings.professionals) == (1, 1, 1)
    content = stats.section(ContentFigures)
    assert content.feedback_by_status == {"new": 1, "reviewed": 0, "resolved": 0, "archived": 0}
    assert content.contact_messages_by_status["new"] == 1
    assert (content.faqs, stats.section(FileFigures).files) == (0, 0)
    kinds = [activity.kind for activity in stats.recent_activity]
    assert kinds[:3] == ["contact.received", "feedback.received", "booking.requested"]
    assert stats.recent_activity[2].subject_id == made["later"].id
    assert len(kinds) == 10
    assert [a.at for a in stats.recent_activity] == sorted(
        (a.at for a in stats.recent_activity), reverse=True
    )
    review = next(a for a in stats.recent_activity if a.kind == "review.created")
    assert (review.subject_id, review.summary) == (made["review"].id, "4 of 5 stars")


async def test_old_bookings_leave_the_daily_counts(alora: Alora) -> None:
    await a_small_marketplace(alora)
    advance_to(alora, datetime(2030, 1, 31, 0, 0, tzinfo=UTC))  # 2030-01-01 is 31 days back
    bookings = (await statistics(alora)).section(BookingFigures)
    per_day = {e.day: e.count for e in bookings.bookings_per_day if e.count}
    assert per_day == {date(2030, 1, 2): 1}


async def test_statistics_of_an_empty_platform(alora: Alora) -> None:
    stats = await statistics(alora, recent=0)
    bookings = stats.section(BookingFigures)
    assert stats.section(UserFigures).users_total == 0 and bookings.bookings_total == 0
    assert set(bookings.bookings_by_status) == {
        "pending", "confirmed", "rejected", "cancelled", "completed", "expired"
    }  # fmt: skip
    assert bookings.average_rating is None and stats.recent_activity == []
    assert all(entry.count == 0 for entry in bookings.bookings_per_day)


async def test_only_administrators_see_statistics(alora: Alora) -> None:
    with pytest.raises(Forbidden):
        await alora.bus.handle(
            GetPlatformStatistics(actor=Actor(user_id=uuid.uuid4(), role=Role.CUSTOMER))
        )
    for recent in (-1, 51):
        with pytest.raises(Invalid):
            await statistics(alora, recent=recent)


@pytest.mark.memory
async def test_an_alora_without_booking_has_statistics_without_its_section() -> None:
    alora = build_in_memory(
        clock=FixedClock(START),
        hasher=FastPasswordHasher(),
        modules=[module for module in MODULES if module.name != "booking"],
    )
    ana = await verified_user(alora, "ana")

    stats = await statistics(alora)

    assert "booking" not in stats.sections
    with pytest.raises(LookupError):
        stats.section(BookingFigures)
    assert stats.section(UserFigures).users_by_role["customer"] == 1
    assert [(a.kind, a.subject_id) for a in stats.recent_activity] == [("user.registered", ana.id)]
