"""Reviews use cases on every backend (memory, SQLite, PostgreSQL), in the ``market`` harness
(``contexts.booking.market``): writing, editing, deleting, replying, reading, accounts going
away and the counters under a mixed load."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest
from attrs import define

from alora_core.booking.reviews import commands as c
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
from alora_core.shared.commands import Command
from alora_core.shared.errors import Conflict, Forbidden, Invalid, NotFound
from contexts.booking.market import Market, administrator, customer, open_market, professional
from support.backends import Backend


@pytest.fixture
async def market(backend: Backend) -> Market:
    return await open_market(backend)


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
    commands: list[Command[Any]] = [
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
@pytest.mark.memory  # pure: no backend
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
    changes: list[Command[Any]] = []
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
