"""The professionals' directory on every backend (memory, SQLite, PostgreSQL): the public entry,
who sees whom, the anonymous pages' cache, filters, sorts and pages, and the search name kept
in step with the account; the ``p`` harness is ``professionals_harness``."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from alora_core.booking.professionals import commands as c
from alora_core.booking.professionals.model import ServiceArea
from alora_core.booking.professionals.use_cases import DIRECTORY_CACHE_TTL, refresh_search_name
from alora_core.identity.model import Role, Visibility
from alora_core.shared.errors import Invalid, NotFound
from alora_core.shared.money import Money
from contexts.booking.professionals_harness import START, Profiles, fields_of, open_profiles
from support.backends import Backend
from support.builders import change_user, delete_user


@pytest.fixture
async def p(backend: Backend) -> Profiles:
    return await open_profiles(backend)


# --- the directory ----------------------------------------------------------------------------


async def test_the_public_entry(p: Profiles) -> None:
    ana = await p.add_user("ana", full_name="Ana García")
    image = await p.add_file(ana)
    service = await p.add_service("Pipe repair")
    await p.save(
        ana, bio="Pipes", categories=["plumbing"], service_ids=[service], skills=["Soldering"],
        hourly_rate=c.RateInput(amount=4500, currency="EUR"),
        service_area=c.AreaInput(cities=["Berlin"]), gallery_file_ids=[image],
    )  # fmt: skip
    entry = await p.public(ana)
    assert (entry.id, entry.name.full_name, entry.name.username) == (ana, "Ana García", "ana")
    assert (entry.bio, entry.categories, entry.service_ids, entry.skills) == (
        "Pipes", ["plumbing"], [service], ["Soldering"]
    )  # fmt: skip
    assert entry.hourly_rate == Money(4500, "EUR")
    assert entry.service_area == ServiceArea(cities=["Berlin"])
    assert (entry.timezone, entry.gallery_file_ids) == ("Europe/Berlin", [image])
    assert (entry.review_count, entry.average_rating, entry.created_at) == (0, None, START)
    assert (entry.email, entry.phone) == (None, None)  # not shown by default


async def test_email_and_phone_show_when_the_professional_allows(p: Profiles) -> None:
    ana = await p.add_user("ana", show_email=True)
    ben = await p.add_user("ben", show_phone=True)
    admin = await p.add_user("root", role=Role.ADMIN)
    for pro in (ana, ben):
        await p.save(pro)
    anas, bens = await p.public(ana), await p.public(ben)
    assert (anas.email, anas.phone) == ("ana@example.com", None)
    assert (bens.email, bens.phone is not None) == (None, True)
    # They themselves and administrators see both.
    assert (await p.public(ben, ben)).email == "ben@example.com"
    assert (await p.public(ana, admin, admin=True)).phone is not None
    listed = {entry.id: entry for entry in (await p.directory()).items}
    assert (listed[ana].email, listed[ana].phone, listed[ben].email) == (
        "ana@example.com", None, None
    )  # fmt: skip


async def test_who_sees_whom(p: Profiles) -> None:
    public = await p.add_user("pub")
    registered = await p.add_user("reg", profile_visibility=Visibility.REGISTERED)
    private = await p.add_user("priv", profile_visibility=Visibility.PRIVATE)
    suspended = await p.add_user("susp", suspended=True)
    demoted = await p.add_user("demo")
    await p.add_user("bare")  # a professional without a profile
    customer = await p.add_user("cust", role=Role.CUSTOMER)
    admin = await p.add_user("root", role=Role.ADMIN)
    for pro in (public, registered, private, suspended, demoted):
        await p.save(pro)
    await change_user(p.alora, demoted, lambda user: user.change_role(Role.CUSTOMER, p.clock.now()))

    assert set(await p.listed()) == {public}
    assert set(await p.listed(customer)) == {public, registered}
    assert set(await p.listed(private)) == {public, registered, private}
    assert set(await p.listed(suspended)) == {public, registered, suspended}
    assert {e.id for e in (await p.directory(admin, admin=True)).items} == {
        public, registered, private, suspended,
    }  # fmt: skip
    assert (await p.directory(customer)).total == 2

    for hidden, viewer in [(registered, None), (private, customer), (suspended, customer),
                           (demoted, customer), (demoted, demoted), (customer, customer),
                           (uuid.uuid4(), None)]:  # fmt: skip
        with pytest.raises(NotFound):
            await p.public(hidden, viewer)
    assert (await p.public(registered, customer)).id == registered
    assert (await p.public(private, private)).id == private
    assert (await p.public(suspended, admin, admin=True)).id == suspended


async def test_anonymous_pages_are_kept_briefly_and_own_changes_show_at_once(
    p: Profiles,
) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    assert await p.listed() == [ana]
    # Past the bus, as another process's administrator suspending her would.
    await change_user(p.alora, ana, lambda user: user.suspend("spam", p.clock.now()))
    assert await p.listed() == [ana]  # the page read a moment ago
    customer = await p.add_user("cust", role=Role.CUSTOMER)
    assert await p.listed(customer) == []  # signed-in viewers always read the database
    p.clock.advance(DIRECTORY_CACHE_TTL)
    assert await p.listed() == []

    bob = await p.add_user("bob")
    await p.save(bob)  # a change made through this process clears the pages at once
    assert await p.listed() == [bob]


async def test_filters(p: Profiles) -> None:
    pipes = await p.add_service("Pipe repair")
    lamps = await p.add_service("Lamp fitting")
    ana = await p.add_user("ana", full_name="Ana García")
    ben = await p.add_user("ben", full_name="Ben Müller")
    cem = await p.add_user("cem", full_name="Cem Yilmaz")
    await p.save(
        ana, categories=["plumbing"], service_ids=[pipes], skills=["Soldering"],
        bio="Leaks fixed fast", hourly_rate=c.RateInput(amount=4500, currency="EUR"),
        service_area=c.AreaInput(cities=["München"], postal_codes=["80331"]),
    )  # fmt: skip
    await p.save(
        ben, categories=["electrical", "plumbing"], service_ids=[lamps, pipes],
        skills=["Wiring"], bio="Électricien diplômé",
        hourly_rate=c.RateInput(amount=6000, currency="EUR"),
        service_area=c.AreaInput(cities=["Berlin"], postal_codes=["10115"]),
    )  # fmt: skip
    await p.save(cem, categories=["painting"], bio="50% off_ today")
    await p.review(ana, 4, 4)
    await p.review(ben, 5)

    async def matches(**query: Any) -> set[uuid.UUID]:
        return set(await p.listed(**query))

    assert await matches() == {ana, ben, cem}
    assert await matches(category="plumbing") == {ana, ben}
    assert await matches(category=" Electrical ") == {ben}
    assert await matches(category="plumb") == set()
    assert await matches(service_id=lamps) == {ben}
    assert await matches(service_id=pipes) == {ana, ben}
    assert await matches(city="munchen") == {ana}
    assert await matches(city="  MÜNCHEN ") == {ana}
    assert await matches(city="10115") == {ben}
    assert await matches(city="Münch") == set()
    assert await matches(min_rating=4) == {ana, ben}
    assert await matches(min_rating=4.5) == {ben}
    assert await matches(min_rating=0) == {ana, ben}  # a minimum needs reviews
    assert await matches(max_rate=4500) == {ana}
    assert await matches(max_rate=0) == set()
    assert await matches(text="garcia") == {ana}
    assert await matches(text="MULLER") == {ben}
    assert await matches(text="electricien") == {ben}
    assert await matches(text="solder") == {ana}
    assert await matches(text="cem") == {cem}  # the username
    assert await matches(text="50%") == {cem}
    assert await matches(text="f_ t") == {cem}
    assert await matches(text="%") == {cem}
    assert await matches(text="_") == {cem}
    assert await matches(text="fast leaks") == set()
    assert await matches(text="   ") == {ana, ben, cem}
    assert await matches(category="plumbing", max_rate=5000, text="leak") == {ana}


async def test_sorts_and_pages(p: Profiles) -> None:
    pros = []
    for index, (name, rate, ratings) in enumerate(
        [
            ("ana", 5000, (4, 4)),
            ("ben", 3000, (5,)),
            ("cem", None, ()),
            ("dan", 4000, (5, 5, 4, 4)),
            ("eva", 3000, (4,)),
        ]
    ):
        pro = await p.add_user(name)
        rate_input = None if rate is None else c.RateInput(amount=rate, currency="EUR")
        await p.save(pro, hourly_rate=rate_input)
        if ratings:
            await p.review(pro, *ratings)
        pros.append(pro)
        p.clock.advance(timedelta(minutes=index + 1))
    ana, ben, cem, dan, eva = pros

    assert await p.listed(sort="rating") == [ben, dan, ana, eva, cem]
    assert await p.listed() == [ben, dan, ana, eva, cem]  # rating is the default
    assert await p.listed(sort="rate") == [eva, ben, dan, ana, cem]  # ties: newest first
    assert await p.listed(sort="newest") == [eva, dan, cem, ben, ana]

    page = await p.directory(sort="newest", page=2, page_size=2)
    assert [e.id for e in page.items] == [cem, ben]
    assert (page.total, page.page, page.page_size, page.pages) == (5, 2, 2, 3)
    beyond = await p.directory(sort="newest", page=9, page_size=2)
    assert (list(beyond.items), beyond.total) == ([], 5)
    empty = await p.directory(text="nobody")
    assert (list(empty.items), empty.total) == ([], 0)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"min_rating": 5.5}, "min_rating"),
        ({"min_rating": -1}, "min_rating"),
        ({"max_rate": -1}, "max_rate"),
        ({"text": "x" * 101}, "q"),
        ({"page": 0}, "page"),
        ({"page_size": 101}, "page_size"),
    ],
)
async def test_bad_queries_are_refused(p: Profiles, query: dict[str, Any], field: str) -> None:
    with pytest.raises(Invalid) as caught:
        await p.directory(**query)
    assert fields_of(caught.value) == [field]


async def test_a_new_name_is_searched_after_the_reaction(p: Profiles) -> None:
    ana = await p.add_user("ana", full_name="Ana García")
    await p.save(ana, bio="Pipes")
    await p.rename_user(ana, "Ana Novák")
    async with p.uow_factory() as uow:
        await refresh_search_name(ana, uow)
        await refresh_search_name(uuid.uuid4(), uow)  # no such user: nothing happens
        await uow.commit()
    assert await p.listed(text="novak") == [ana]
    assert await p.listed(text="garcia") == []
    assert (await p.public(ana)).name.full_name == "Ana Novák"


async def test_deleting_the_user_deletes_the_profile(p: Profiles) -> None:
    ana = await p.add_user("ana")
    await p.save(ana)
    await delete_user(p.alora, ana)
    async with p.uow_factory().reading() as uow:
        assert await uow.professionals.get(ana) is None
    assert await p.listed() == []
