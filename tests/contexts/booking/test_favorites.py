"""Favorites use cases on every backend (memory, SQLite, PostgreSQL), in the ``market`` harness
the reviews suite uses too (``contexts.booking.market``)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from attrs import evolve

from alora_core.booking.favorites import commands as c
from alora_core.booking.favorites.errors import ProfessionalNotFound
from alora_core.booking.favorites.queries import FavoriteEntry
from alora_core.booking.reviews.commands import WriteReview
from alora_core.identity.model import Role, Visibility
from alora_core.shared.errors import Invalid
from alora_core.shared.money import Money
from alora_core.shared.pagination import Page
from contexts.booking.market import Market, administrator, customer, open_market
from support.backends import Backend


@pytest.fixture
async def market(backend: Backend) -> Market:
    return await open_market(backend)


async def keep(market: Market, user_id: uuid.UUID, professional_id: uuid.UUID) -> bool:
    kept: bool = await market.handle(
        c.AddFavorite(actor=customer(user_id), professional_id=professional_id)
    )
    return kept


async def forget(market: Market, user_id: uuid.UUID, professional_id: uuid.UUID) -> bool:
    forgotten: bool = await market.handle(
        c.RemoveFavorite(actor=customer(user_id), professional_id=professional_id)
    )
    return forgotten


async def kept(market: Market, user_id: uuid.UUID, professional_id: uuid.UUID) -> bool:
    found: bool = await market.handle(
        c.IsFavorite(actor=customer(user_id), professional_id=professional_id)
    )
    return found


async def favorites(
    market: Market, user_id: uuid.UUID, *, admin: bool = False, page: int = 1, size: int = 20
) -> Page[FavoriteEntry]:
    actor = administrator(user_id) if admin else customer(user_id)
    listed: Page[FavoriteEntry] = await market.handle(
        c.ListFavorites(actor=actor, page=page, page_size=size)
    )
    return listed


def ids(page: Page[FavoriteEntry]) -> list[uuid.UUID]:
    return [entry.professional_id for entry in page.items]


async def test_keeping_is_idempotent_and_lists_the_public_summary(market: Market) -> None:
    ana = await market.add_user("ana")
    pia = await market.add_professional("pia", full_name="Pia Plumber")
    assert await kept(market, ana, pia) is False
    assert await keep(market, ana, pia) is True
    market.clock.advance(timedelta(minutes=1))
    assert await keep(market, ana, pia) is False  # already kept: nothing changes
    assert await kept(market, ana, pia) is True

    page = await favorites(market, ana)
    assert (page.total, page.pages) == (1, 1)
    [entry] = page.items
    assert entry == FavoriteEntry(
        professional_id=pia,
        full_name="Pia Plumber",
        avatar_file_id=None,
        categories=["plumbing"],
        hourly_rate=Money(4500, "EUR"),
        cities=["Berlin"],
        review_count=0,
        rating_total=0,
        favorited_at=market.clock.now() - timedelta(minutes=1),
    )
    assert entry.average_rating is None


async def test_the_summary_carries_the_rating(market: Market) -> None:
    ana = await market.add_user("ana")
    pia = await market.add_professional("pia")
    for rating in (4, 5):
        booking = await market.booking(ana, pia)
        await market.handle(WriteReview(actor=customer(ana), booking_id=booking, rating=rating))
    await keep(market, ana, pia)
    [entry] = (await favorites(market, ana)).items
    assert (entry.review_count, entry.rating_total, entry.average_rating) == (2, 9, 4.5)


async def test_forgetting_is_idempotent(market: Market) -> None:
    ana = await market.add_user("ana")
    pia = await market.add_professional("pia")
    await keep(market, ana, pia)
    assert await forget(market, ana, pia) is True
    assert await forget(market, ana, pia) is False
    assert await forget(market, ana, uuid.uuid4()) is False
    assert await kept(market, ana, pia) is False
    assert (await favorites(market, ana)).total == 0


async def test_only_a_professional_the_user_may_see_can_be_kept(market: Market) -> None:
    ana = await market.add_user("ana")
    bob = await market.add_user("bob")
    hidden = await market.add_professional("hid")
    await market.change_user(
        hidden,
        lambda user: user.replace_settings(
            evolve(user.settings, profile_visibility=Visibility.PRIVATE), market.clock.now()
        ),
    )
    barred = await market.add_professional("bar")
    await market.change_user(barred, lambda user: user.suspend("spam", market.clock.now()))
    no_profile = await market.add_user("nop", Role.PROFESSIONAL)
    for unknown in (uuid.uuid4(), bob, no_profile, hidden, barred, market.admin_id):
        with pytest.raises(ProfessionalNotFound):
            await keep(market, ana, unknown)
    assert (await favorites(market, ana)).total == 0
    # Administrators see every professional.
    assert await market.handle(
        c.AddFavorite(actor=administrator(market.admin_id), professional_id=hidden)
    )


async def test_favorites_are_per_user(market: Market) -> None:
    ana = await market.add_user("ana")
    bob = await market.add_user("bob")
    pia = await market.add_professional("pia")
    olaf = await market.add_professional("olaf")
    await keep(market, ana, pia)
    await keep(market, bob, olaf)
    assert ids(await favorites(market, ana)) == [pia]
    assert ids(await favorites(market, bob)) == [olaf]
    assert await kept(market, bob, pia) is False
    await forget(market, bob, pia)  # bob never kept pia: ana's favorite stays
    assert await kept(market, ana, pia) is True


async def test_lists_are_newest_first_in_numbered_pages(market: Market) -> None:
    ana = await market.add_user("ana")
    pros = [await market.add_professional(f"pro{i}") for i in range(5)]
    for pro in pros:
        await keep(market, ana, pro)
        market.clock.advance(timedelta(minutes=1))
    first = await favorites(market, ana, size=2)
    assert (first.total, first.pages) == (5, 3)
    assert ids(first) == [pros[4], pros[3]]
    assert ids(await favorites(market, ana, page=3, size=2)) == [pros[0]]
    beyond = await favorites(market, ana, page=7, size=2)
    assert (beyond.items, beyond.total) == ([], 5)


async def test_professionals_the_directory_hides_drop_out_of_the_list(market: Market) -> None:
    ana = await market.add_user("ana")
    pia = await market.add_professional("pia")
    olaf = await market.add_professional("olaf")
    await keep(market, ana, pia)
    await keep(market, ana, olaf)
    await market.change_user(pia, lambda user: user.suspend("fraud", market.clock.now()))
    assert ids(await favorites(market, ana)) == [olaf]
    assert await kept(market, ana, pia) is True  # still kept: back in the list if unsuspended
    assert set(ids(await favorites(market, ana, admin=True))) == {pia, olaf}
    await market.change_user(pia, lambda user: user.unsuspend(market.clock.now()))
    assert set(ids(await favorites(market, ana))) == {pia, olaf}


async def test_simultaneous_keeps_and_forgets_are_harmless(market: Market) -> None:
    ana = await market.add_user("ana")
    pia = await market.add_professional("pia")
    outcomes = await asyncio.gather(*(keep(market, ana, pia) for _ in range(6)))
    assert outcomes.count(True) >= 1
    assert (await favorites(market, ana)).total == 1
    await asyncio.gather(*(forget(market, ana, pia) for _ in range(6)))
    assert (await favorites(market, ana)).total == 0


async def test_favorites_go_with_either_account(market: Market) -> None:
    ana = await market.add_user("ana")
    bob = await market.add_user("bob")
    pia = await market.add_professional("pia")
    await keep(market, ana, pia)
    await keep(market, bob, pia)
    await market.delete_user(ana)
    assert await kept(market, ana, pia) is False
    await market.delete_user(pia)
    assert await kept(market, bob, pia) is False
    assert (await favorites(market, bob)).total == 0


@pytest.mark.parametrize(("page", "page_size"), [(0, 20), (1, 0), (1, 101)])
async def test_bad_pages_are_refused(market: Market, page: int, page_size: int) -> None:
    ana = await market.add_user("ana")
    with pytest.raises(Invalid):
        await favorites(market, ana, page=page, size=page_size)
