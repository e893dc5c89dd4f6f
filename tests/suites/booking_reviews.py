"""Reviews use cases, driven through a message bus of their own.

The same functions run in memory (tests/unit) and against SQLite and PostgreSQL
(tests/integration): each importing module provides the ``uow_factory`` fixture. The ``market``
fixture wires the booking parts the way the composition root does (catalog, profiles, bookings,
reviews and favorites) around that factory, with a ``FixedClock``; completed bookings are made
the real way: requested by the customer, confirmed and completed by the professional.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from attrs import define

from alora_core.booking.bookings import commands as bc
from alora_core.booking.bookings import use_cases as bookings_use_cases
from alora_core.booking.bookings.use_cases import BookingsDeps
from alora_core.booking.catalog import use_cases as catalog_use_cases
from alora_core.booking.catalog.commands import CreateService, NewService
from alora_core.booking.favorites import use_cases as favorites_use_cases
from alora_core.booking.favorites.use_cases import FavoritesDeps
from alora_core.booking.professionals import commands as pc
from alora_core.booking.professionals import use_cases as professionals_use_cases
from alora_core.booking.professionals.use_cases import ProfessionalsDeps
from alora_core.booking.reviews import commands as c
from alora_core.booking.reviews import use_cases as reviews_use_cases
from alora_core.booking.reviews.errors import (
    AlreadyReplied,
    AlreadyReviewed,
    NoReply,
    NotCompleted,
)
from alora_core.booking.reviews.events import (
    ReviewCreated,
    ReviewDeleted,
    ReviewReplied,
    ReviewUpdated,
)
from alora_core.booking.reviews.queries import ReviewView, public_name
from alora_core.booking.reviews.use_cases import ReviewsDeps
from alora_core.identity.model import Role, User
from alora_core.shared.actor import Actor
from alora_core.shared.clock import FixedClock
from alora_core.shared.errors import Conflict, Forbidden, Invalid, NotFound
from alora_core.shared.events import DomainEvent
from alora_core.shared.messagebus import MessageBus
from alora_core.shared.pagination import PageRequest


def customer(user_id: uuid.UUID) -> Actor:
    return Actor(user_id=user_id, role=Role.CUSTOMER, email_verified=True)


def professional(user_id: uuid.UUID) -> Actor:
    return Actor(user_id=user_id, role=Role.PROFESSIONAL, email_verified=True)


def administrator(user_id: uuid.UUID) -> Actor:
    return Actor(user_id=user_id, role=Role.ADMIN, email_verified=True)


# A Tuesday, 12:00 UTC; professionals work every day, all day, in UTC.
START = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
EVERY_DAY = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@define
class Market:
    uow_factory: Callable[[], Any]
    clock: FixedClock
    bus: MessageBus
    committed: list[DomainEvent]
    admin_id: uuid.UUID
    service_id: uuid.UUID | None = None

    async def handle(self, command: object) -> Any:
        return await self.bus.handle(command)

    def events(self) -> list[DomainEvent]:
        """The events committed since the last call."""
        events, self.committed[:] = list(self.committed), []
        return events

    async def add_user(
        self, name: str, role: Role = Role.CUSTOMER, *, full_name: str | None = None
    ) -> uuid.UUID:
        user = User(
            full_name=full_name or f"{name.title()} Example",
            username=name,
            email=f"{name}@example.com",
            phone=None,
            password_hash="not a real hash",
            role=role,
            created_at=self.clock.now(),
            email_verified_at=self.clock.now(),
        )
        async with self.uow_factory() as uow:
            await uow.users.add(user)
            await uow.commit()
        return user.id

    async def change_user(self, user_id: uuid.UUID, change: Callable[[User], None]) -> None:
        async with self.uow_factory() as uow:
            user = await uow.users.get(user_id)
            change(user)
            await uow.commit()

    async def delete_user(self, user_id: uuid.UUID) -> None:
        async with self.uow_factory() as uow:
            await uow.users.delete(await uow.users.get(user_id))
            await uow.commit()

    async def service(self) -> uuid.UUID:
        if self.service_id is None:
            service = await self.handle(
                CreateService(
                    actor=administrator(self.admin_id),
                    service=NewService(title="Plumbing", category="plumbing"),
                )
            )
            self.service_id = service.id
        return self.service_id

    async def add_professional(self, name: str, **user: Any) -> uuid.UUID:
        """A professional with a profile, open every day around the clock in UTC."""
        professional_id = await self.add_user(name, Role.PROFESSIONAL, **user)
        await self.handle(
            pc.SaveProfile(
                actor=professional(professional_id),
                timezone="UTC",
                categories=["plumbing"],
                service_ids=[await self.service()],
                hourly_rate=pc.RateInput(amount=4500, currency="EUR"),
                service_area=pc.AreaInput(cities=["Berlin"]),
            )
        )
        await self.handle(
            pc.SetAvailability(
                actor=professional(professional_id),
                timezone="UTC",
                weekly=[
                    pc.DayInput(day=day, slots=[pc.HoursInput(start="00:00", end="24:00")])
                    for day in EVERY_DAY
                ],
                rules=pc.RulesInput(min_notice_minutes=0, horizon_days=365),
            )
        )
        return professional_id

    async def booking(
        self, customer_id: uuid.UUID, professional_id: uuid.UUID, status: str = "completed"
    ) -> uuid.UUID:
        """A booking in ``status`` (pending, confirmed, cancelled or completed) an hour from
        now; completing it moves the clock past its end."""
        booking = await self.handle(
            bc.RequestBooking(
                actor=customer(customer_id),
                professional_id=professional_id,
                service_id=await self.service(),
                start=self.clock.now() + timedelta(hours=1),
                duration_minutes=60,
                address="1 Main Street, Berlin",
            )
        )
        pro = professional(professional_id)
        if status == "cancelled":
            await self.handle(
                bc.CancelBooking(
                    actor=customer(customer_id), booking_id=booking.id, reason="Plans changed"
                )
            )
        if status in {"confirmed", "completed"}:
            await self.handle(bc.ConfirmBooking(actor=pro, booking_id=booking.id))
        if status == "completed":
            self.clock.advance(timedelta(hours=2))
            await self.handle(bc.CompleteBooking(actor=pro, booking_id=booking.id))
        booking_id: uuid.UUID = booking.id
        return booking_id

    async def completed_bookings(self, pairs: list[tuple[uuid.UUID, uuid.UUID]]) -> list[uuid.UUID]:
        """Many completed bookings at once: booked back to back, then all completed."""
        ids = []
        first = self.clock.now() + timedelta(hours=1)
        for index, (customer_id, professional_id) in enumerate(pairs):
            booking = await self.handle(
                bc.RequestBooking(
                    actor=customer(customer_id),
                    professional_id=professional_id,
                    service_id=await self.service(),
                    start=first + timedelta(hours=index),
                    duration_minutes=60,
                    address="1 Main Street, Berlin",
                )
            )
            await self.handle(
                bc.ConfirmBooking(actor=professional(professional_id), booking_id=booking.id)
            )
            ids.append(booking.id)
        self.clock.advance(timedelta(hours=len(pairs) + 2))
        for booking_id, (_, professional_id) in zip(ids, pairs, strict=True):
            await self.handle(
                bc.CompleteBooking(actor=professional(professional_id), booking_id=booking_id)
            )
        return ids

    async def review(
        self, author_id: uuid.UUID, booking_id: uuid.UUID, rating: int = 5, comment: str = ""
    ) -> ReviewView:
        view: ReviewView = await self.handle(
            c.WriteReview(
                actor=customer(author_id),
                booking_id=booking_id,
                rating=rating,
                comment=comment,
            )
        )
        return view

    async def counters(self, professional_id: uuid.UUID) -> tuple[int, int]:
        """The profile's ``(review_count, rating_total)``."""
        async with self.uow_factory() as uow:
            profile = await uow.professionals.get(professional_id)
            return profile.review_count, profile.rating_total

    async def actual(self, professional_id: uuid.UUID) -> tuple[int, int]:
        """``(COUNT, SUM)`` over the professional's stored reviews."""
        async with self.uow_factory().reading() as uow:
            page = await uow.reviews.page(professional_id, PageRequest(1, 100))
        assert page.total <= 100
        return page.total, sum(view.review.rating for view in page.items)

    async def stored(self, review_id: uuid.UUID) -> Any:
        async with self.uow_factory() as uow:
            return await uow.reviews.get(review_id)

    async def audit_actions(self) -> list[str]:
        async with self.uow_factory().reading() as uow:
            page = await uow.audit_log.list(PageRequest(1, 100))
        return [entry.action for entry in page.items if entry.target_type == "review"]


async def open_market(uow_factory: Callable[[], Any]) -> Market:
    """A ``Market`` over ``uow_factory``, with an administrator."""
    clock = FixedClock(START)
    committed: list[DomainEvent] = []

    async def on_events(events: list[DomainEvent]) -> None:
        committed.extend(events)

    handlers = {
        **catalog_use_cases.command_handlers(clock=clock),
        **professionals_use_cases.command_handlers(ProfessionalsDeps(clock=clock)),
        **bookings_use_cases.command_handlers(BookingsDeps(clock=clock)),
        **reviews_use_cases.command_handlers(ReviewsDeps(clock=clock)),
        **favorites_use_cases.command_handlers(FavoritesDeps(clock=clock)),
    }
    market = Market(
        uow_factory=uow_factory,
        clock=clock,
        bus=MessageBus(uow_factory, handlers, on_events=on_events),
        committed=committed,
        admin_id=uuid.uuid4(),
    )
    market.admin_id = await market.add_user("root", Role.ADMIN)
    return market


@pytest.fixture
async def market(uow_factory: Callable[[], Any]) -> Market:
    return await open_market(uow_factory)


@define
class Cast:
    ana: uuid.UUID
    """A customer with a completed booking of ``pro``."""
    bob: uuid.UUID
    """Another customer."""
    pro: uuid.UUID
    other_pro: uuid.UUID
    booking: uuid.UUID


@pytest.fixture
async def cast(market: Market) -> Cast:
    ana = await market.add_user("ana", full_name="Ana María Pérez")
    bob = await market.add_user("bob")
    pro = await market.add_professional("pia")
    other_pro = await market.add_professional("olaf")
    booking = await market.booking(ana, pro)
    market.events()
    return Cast(ana=ana, bob=bob, pro=pro, other_pro=other_pro, booking=booking)


# --- writing ------------------------------------------------------------------------------------


async def test_the_customer_reviews_a_completed_booking(market: Market, cast: Cast) -> None:
    view = await market.review(cast.ana, cast.booking, 4, "  Quick and tidy work.  ")
    review = view.review
    assert (review.booking_id, review.professional_id, review.author_id) == (
        cast.booking, cast.pro, cast.ana
    )  # fmt: skip
    assert (review.rating, review.comment, review.reply, review.replied_at) == (
        4, "Quick and tidy work.", None, None
    )  # fmt: skip
    assert review.created_at == review.updated_at == market.clock.now()
    assert view.author_name == "Ana P."
    assert await market.counters(cast.pro) == (1, 4)
    [event] = market.events()
    assert isinstance(event, ReviewCreated)
    assert (event.review_id, event.booking_id, event.professional_id, event.author_id) == (
        review.id, cast.booking, cast.pro, cast.ana
    )  # fmt: skip
    assert event.rating == 4
    stored = await market.stored(review.id)
    assert stored is not None and stored.comment == "Quick and tidy work."


async def test_a_comment_is_optional(market: Market, cast: Cast) -> None:
    view = await market.review(cast.ana, cast.booking, 3)
    assert view.review.comment == ""


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"rating": 0}, {"rating"}),
        ({"rating": 6}, {"rating"}),
        ({"rating": -1}, {"rating"}),
        ({"rating": 2.5}, {"rating"}),
        ({"rating": "5"}, {"rating"}),
        ({"rating": True}, {"rating"}),
        ({"rating": None}, {"rating"}),
        ({"comment": "x" * 2001}, {"comment"}),
        ({"comment": "nul\x00"}, {"comment"}),
        ({"comment": "bell\x07"}, {"comment"}),
        ({"comment": None}, {"comment"}),
        ({"rating": 9, "comment": "y" * 5000}, {"rating", "comment"}),
    ],
)
async def test_bad_input_is_refused_and_nothing_changes(
    market: Market, cast: Cast, fields: dict[str, Any], bad: set[str]
) -> None:
    command = c.WriteReview(
        actor=customer(cast.ana),
        booking_id=cast.booking,
        **({"rating": 5, "comment": "fine"} | fields),
    )
    with pytest.raises(Invalid) as raised:
        await market.handle(command)
    assert {error.field for error in raised.value.errors} == bad
    assert await market.counters(cast.pro) == (0, 0)
    assert await market.actual(cast.pro) == (0, 0)
    assert market.events() == []


async def test_a_long_comment_within_the_limit_and_line_breaks_are_kept(
    market: Market, cast: Cast
) -> None:
    comment = "Great.\n\tReally." + "x" * (2000 - 15)
    view = await market.review(cast.ana, cast.booking, 5, comment)
    assert view.review.comment == comment


async def test_another_users_booking_is_unknown(market: Market, cast: Cast) -> None:
    for stranger in (cast.bob, cast.other_pro):
        with pytest.raises(NotFound):
            await market.review(stranger, cast.booking)
    with pytest.raises(NotFound):
        await market.review(cast.ana, uuid.uuid4())
    assert await market.counters(cast.pro) == (0, 0)


async def test_the_professional_and_administrators_may_not_review(
    market: Market, cast: Cast
) -> None:
    with pytest.raises(Forbidden):
        await market.review(cast.pro, cast.booking)
    with pytest.raises(Forbidden):
        await market.handle(
            c.WriteReview(actor=administrator(market.admin_id), booking_id=cast.booking, rating=5)
        )


@pytest.mark.parametrize("status", ["pending", "confirmed", "cancelled"])
async def test_only_a_completed_booking_can_be_reviewed(
    market: Market, cast: Cast, status: str
) -> None:
    booking = await market.booking(cast.ana, cast.pro, status)
    with pytest.raises(NotCompleted):
        await market.review(cast.ana, booking)
    assert await market.counters(cast.pro) == (0, 0)


async def test_a_booking_is_reviewed_once(market: Market, cast: Cast) -> None:
    await market.review(cast.ana, cast.booking, 5)
    with pytest.raises(AlreadyReviewed) as raised:
        await market.review(cast.ana, cast.booking, 1)
    assert raised.value.field == "booking_id"
    assert await market.counters(cast.pro) == (1, 5)


async def test_of_two_simultaneous_reviews_of_a_booking_one_wins(
    market: Market, cast: Cast
) -> None:
    outcomes = await asyncio.gather(
        *(market.review(cast.ana, cast.booking, rating) for rating in (2, 5)),
        return_exceptions=True,
    )
    won = [o for o in outcomes if isinstance(o, ReviewView)]
    lost = [o for o in outcomes if not isinstance(o, ReviewView)]
    assert len(won) == 1 and len(lost) == 1
    assert isinstance(lost[0], AlreadyReviewed), lost
    assert await market.counters(cast.pro) == (1, won[0].review.rating)
    assert await market.actual(cast.pro) == (1, won[0].review.rating)


# --- editing ------------------------------------------------------------------------------------


async def test_the_author_changes_the_rating_and_the_total_follows(
    market: Market, cast: Cast
) -> None:
    view = await market.review(cast.ana, cast.booking, 2, "Late.")
    market.events()
    market.clock.advance(timedelta(minutes=5))
    edited = await market.handle(
        c.EditReview(actor=customer(cast.ana), review_id=view.review.id, rating=4)
    )
    assert (edited.review.rating, edited.review.comment) == (4, "Late.")
    assert edited.review.updated_at == market.clock.now() > edited.review.created_at
    assert edited.review.version == view.review.version + 1
    assert await market.counters(cast.pro) == (1, 4)
    [event] = market.events()
    assert isinstance(event, ReviewUpdated) and event.rating == 4
    assert await market.audit_actions() == []


async def test_changing_only_the_comment_leaves_the_counters(market: Market, cast: Cast) -> None:
    view = await market.review(cast.ana, cast.booking, 3, "Ok.")
    edited = await market.handle(
        c.EditReview(actor=customer(cast.ana), review_id=view.review.id, comment="Good.")
    )
    assert (edited.review.rating, edited.review.comment) == (3, "Good.")
    assert await market.counters(cast.pro) == (1, 3)


async def test_an_edit_that_changes_nothing_records_nothing(market: Market, cast: Cast) -> None:
    view = await market.review(cast.ana, cast.booking, 3, "Ok.")
    market.events()
    edited = await market.handle(
        c.EditReview(
            actor=customer(cast.ana),
            review_id=view.review.id,
            rating=3,
            comment=" Ok. ",
        )
    )
    assert edited.review.version == view.review.version
    assert market.events() == []


@pytest.mark.parametrize(
    ("fields", "bad"),
    [({"rating": 0}, "rating"), ({"rating": 2.5}, "rating"), ({"comment": "z" * 2001}, "comment")],
)
async def test_a_bad_edit_is_refused(
    market: Market, cast: Cast, fields: dict[str, Any], bad: str
) -> None:
    view = await market.review(cast.ana, cast.booking, 3)
    with pytest.raises(Invalid) as raised:
        await market.handle(
            c.EditReview(actor=customer(cast.ana), review_id=view.review.id, **fields)
        )
    assert [error.field for error in raised.value.errors] == [bad]
    assert await market.counters(cast.pro) == (1, 3)


async def test_an_administrator_edits_and_is_audited(market: Market, cast: Cast) -> None:
    view = await market.review(cast.ana, cast.booking, 1, "Rude words")
    edited = await market.handle(
        c.EditReview(
            actor=administrator(market.admin_id),
            review_id=view.review.id,
            comment="(removed by a moderator)",
        )
    )
    assert edited.review.comment == "(removed by a moderator)"
    assert edited.review.author_id == cast.ana
    assert await market.audit_actions() == ["review.update"]


async def test_nobody_else_may_change_or_delete_a_review(market: Market, cast: Cast) -> None:
    view = await market.review(cast.ana, cast.booking, 4)
    for stranger in (cast.bob, cast.pro, cast.other_pro):
        with pytest.raises(NotFound):
            await market.handle(
                c.EditReview(actor=customer(stranger), review_id=view.review.id, rating=1)
            )
        with pytest.raises(NotFound):
            await market.handle(c.DeleteReview(actor=customer(stranger), review_id=view.review.id))
    stored = await market.stored(view.review.id)
    assert stored is not None and stored.rating == 4
    assert await market.counters(cast.pro) == (1, 4)


async def test_an_unknown_review_is_not_found(market: Market, cast: Cast) -> None:
    unknown = uuid.uuid4()
    commands: list[object] = [
        c.GetReview(review_id=unknown),
        c.EditReview(actor=administrator(market.admin_id), review_id=unknown, rating=3),
        c.DeleteReview(actor=administrator(market.admin_id), review_id=unknown),
        c.ReplyToReview(actor=professional(cast.pro), review_id=unknown, text="Thanks"),
        c.EditReply(actor=professional(cast.pro), review_id=unknown, text="Thanks"),
    ]
    for command in commands:
        with pytest.raises(NotFound):
            await market.handle(command)


# --- deleting -----------------------------------------------------------------------------------


async def test_the_author_deletes_and_the_counters_follow(market: Market, cast: Cast) -> None:
    second = await market.booking(cast.ana, cast.pro)
    kept = await market.review(cast.ana, second, 2)
    gone = await market.review(cast.ana, cast.booking, 5)
    assert await market.counters(cast.pro) == (2, 7)
    market.events()
    await market.handle(c.DeleteReview(actor=customer(cast.ana), review_id=gone.review.id))
    assert await market.stored(gone.review.id) is None
    assert await market.counters(cast.pro) == (1, 2)
    [event] = market.events()
    assert isinstance(event, ReviewDeleted) and event.review_id == gone.review.id
    assert event.rating == 5
    with pytest.raises(NotFound):
        await market.handle(c.DeleteReview(actor=customer(cast.ana), review_id=gone.review.id))
    assert await market.counters(cast.pro) == (1, 2)
    assert (await market.stored(kept.review.id)) is not None
    # The booking may be reviewed again once its review is gone.
    await market.review(cast.ana, cast.booking, 3)
    assert await market.counters(cast.pro) == (2, 5)


async def test_an_administrator_deletes_and_is_audited(market: Market, cast: Cast) -> None:
    view = await market.review(cast.ana, cast.booking, 1)
    await market.handle(
        c.DeleteReview(actor=administrator(market.admin_id), review_id=view.review.id)
    )
    assert await market.counters(cast.pro) == (0, 0)
    assert await market.audit_actions() == ["review.delete"]


async def test_two_simultaneous_deletions_count_once(market: Market, cast: Cast) -> None:
    view = await market.review(cast.ana, cast.booking, 4)
    outcomes = await asyncio.gather(
        *(
            market.handle(c.DeleteReview(actor=customer(cast.ana), review_id=view.review.id))
            for _ in range(2)
        ),
        return_exceptions=True,
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["NoneType", "ReviewNotFound"]
    assert await market.counters(cast.pro) == (0, 0)


# --- replying -----------------------------------------------------------------------------------


async def test_the_professional_replies_once_and_may_change_it(market: Market, cast: Cast) -> None:
    view = await market.review(cast.ana, cast.booking, 5)
    market.events()
    market.clock.advance(timedelta(hours=1))
    replied = await market.handle(
        c.ReplyToReview(
            actor=professional(cast.pro), review_id=view.review.id, text="  Thank you!  "
        )
    )
    assert (replied.review.reply, replied.review.replied_at) == (
        "Thank you!", market.clock.now()
    )  # fmt: skip
    [event] = market.events()
    assert isinstance(event, ReviewReplied) and event.professional_id == cast.pro
    with pytest.raises(AlreadyReplied):
        await market.handle(
            c.ReplyToReview(actor=professional(cast.pro), review_id=view.review.id, text="Again")
        )
    market.clock.advance(timedelta(hours=1))
    changed = await market.handle(
        c.EditReply(actor=professional(cast.pro), review_id=view.review.id, text="Thanks a lot!")
    )
    assert (changed.review.reply, changed.review.replied_at) == (
        "Thanks a lot!", market.clock.now()
    )  # fmt: skip
    assert await market.counters(cast.pro) == (1, 5)


async def test_a_reply_must_exist_to_be_changed(market: Market, cast: Cast) -> None:
    view = await market.review(cast.ana, cast.booking, 5)
    with pytest.raises(NoReply):
        await market.handle(
            c.EditReply(actor=professional(cast.pro), review_id=view.review.id, text="Hi")
        )


async def test_only_the_reviewed_professional_replies(market: Market, cast: Cast) -> None:
    view = await market.review(cast.ana, cast.booking, 5)
    for someone in (cast.ana, cast.bob, cast.other_pro, market.admin_id):
        with pytest.raises(NotFound):
            await market.handle(
                c.ReplyToReview(actor=professional(someone), review_id=view.review.id, text="Hi")
            )
    stored = await market.stored(view.review.id)
    assert stored is not None and stored.reply is None


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001, "nul\x00"])
async def test_a_bad_reply_is_refused(market: Market, cast: Cast, text: str) -> None:
    view = await market.review(cast.ana, cast.booking, 5)
    with pytest.raises(Invalid) as raised:
        await market.handle(
            c.ReplyToReview(actor=professional(cast.pro), review_id=view.review.id, text=text)
        )
    assert [error.field for error in raised.value.errors] == ["text"]


async def test_of_two_simultaneous_replies_one_wins(market: Market, cast: Cast) -> None:
    view = await market.review(cast.ana, cast.booking, 5)
    outcomes = await asyncio.gather(
        *(
            market.handle(
                c.ReplyToReview(actor=professional(cast.pro), review_id=view.review.id, text=text)
            )
            for text in ("First", "Second")
        ),
        return_exceptions=True,
    )
    lost = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(lost) == 1 and isinstance(lost[0], Conflict), lost


# --- reading ------------------------------------------------------------------------------------


async def test_lists_are_newest_first_with_totals(market: Market, cast: Cast) -> None:
    bookings = [cast.booking] + [await market.booking(cast.ana, cast.pro) for _ in range(2)]
    other = await market.booking(cast.bob, cast.other_pro)
    reviews = []
    for rating, booking in enumerate(bookings, start=3):
        reviews.append(await market.review(cast.ana, booking, rating))
        market.clock.advance(timedelta(minutes=1))
    elsewhere = await market.review(cast.bob, other, 1)

    page = await market.handle(c.ListReviews(professional_id=cast.pro, page=1, page_size=2))
    assert (page.total, page.page, page.page_size, page.pages) == (3, 1, 2, 2)
    assert [v.review.id for v in page.items] == [reviews[2].review.id, reviews[1].review.id]
    assert {v.author_name for v in page.items} == {"Ana P."}
    second = await market.handle(c.ListReviews(professional_id=cast.pro, page=2, page_size=2))
    assert [v.review.id for v in second.items] == [reviews[0].review.id]
    beyond = await market.handle(c.ListReviews(professional_id=cast.pro, page=9, page_size=2))
    assert (beyond.items, beyond.total) == ([], 3)

    everyone = await market.handle(c.ListReviews())
    assert everyone.items[0].review.id == elsewhere.review.id
    assert everyone.total == 4
    nobody = await market.handle(c.ListReviews(professional_id=uuid.uuid4()))
    assert (nobody.items, nobody.total) == ([], 0)

    one = await market.handle(c.GetReview(review_id=reviews[1].review.id))
    assert one.review.rating == 4 and one.author_name == "Ana P."


@pytest.mark.parametrize(("page", "page_size"), [(0, 20), (1, 0), (1, 101), (1_000_001, 1)])
async def test_bad_pages_are_refused(market: Market, page: int, page_size: int) -> None:
    with pytest.raises(Invalid):
        await market.handle(c.ListReviews(page=page, page_size=page_size))


@pytest.mark.parametrize(
    ("full_name", "shown"),
    [("Ana María Pérez", "Ana P."), ("Zoë", "Zoë"), ("  Li   Wei ", "Li W."), ("", "A customer")],
)
def test_authors_are_named_by_first_name_and_last_initial(full_name: str, shown: str) -> None:
    assert public_name(full_name) == shown


# --- accounts going away ------------------------------------------------------------------------


async def test_a_review_outlives_its_authors_account(market: Market, cast: Cast) -> None:
    view = await market.review(cast.ana, cast.booking, 4, "Solid work.")
    await market.delete_user(cast.ana)
    kept = await market.handle(c.GetReview(review_id=view.review.id))
    assert (kept.review.author_id, kept.review.booking_id, kept.author_name) == (None, None, None)
    assert kept.review.comment == "Solid work."
    assert await market.counters(cast.pro) == (1, 4)
    # Nobody but an administrator may change it now.
    with pytest.raises(NotFound):
        await market.handle(
            c.EditReview(actor=customer(cast.bob), review_id=view.review.id, rating=1)
        )
    await market.handle(
        c.DeleteReview(actor=administrator(market.admin_id), review_id=view.review.id)
    )
    assert await market.counters(cast.pro) == (0, 0)


async def test_reviews_go_with_the_professionals_account(market: Market, cast: Cast) -> None:
    view = await market.review(cast.ana, cast.booking, 4)
    await market.delete_user(cast.pro)
    with pytest.raises(NotFound):
        await market.handle(c.GetReview(review_id=view.review.id))
    assert (await market.handle(c.ListReviews())).total == 0


# --- the counters under a mixed load ------------------------------------------------------------


async def test_counters_equal_the_reviews_after_concurrent_writes(
    market: Market, cast: Cast
) -> None:
    customers = [cast.ana, cast.bob] + [await market.add_user(f"c{i}") for i in range(4)]
    bookings = await market.completed_bookings([(who, cast.pro) for who in customers])
    written = await asyncio.gather(
        *(
            market.review(who, booking, 1 + index % 5)
            for index, (who, booking) in enumerate(zip(customers, bookings, strict=True))
        )
    )
    changes: list[object] = []
    for index, view in enumerate(written):
        author = view.review.author_id
        assert author is not None
        if index % 3 == 0:
            changes.append(c.DeleteReview(actor=customer(author), review_id=view.review.id))
        else:
            changes.append(
                c.EditReview(
                    actor=customer(author),
                    review_id=view.review.id,
                    rating=5 - index % 5,
                )
            )
        changes.append(
            c.EditReview(actor=administrator(market.admin_id), review_id=view.review.id, rating=3)
        )
    await asyncio.gather(*(market.handle(cmd) for cmd in changes), return_exceptions=True)
    assert await market.counters(cast.pro) == await market.actual(cast.pro)
