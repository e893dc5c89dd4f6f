"""Search over professionals and services: the use cases, the index and its handlers.

The same tests run in memory (tests/unit) and against SQLite and PostgreSQL (tests/integration):
each importing module provides the ``uow_factory`` fixture. Services, profiles and users are
written through their own repositories, the way their parts write them; the events those
writes commit then go through the handlers the composition root subscribes (search's own
and the identity ones), each in a unit of work of its own, as the job runner runs them.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from attrs import define

from alora_core.booking.catalog.model import Service, checked_fields
from alora_core.booking.professionals.model import Offer, PersonName, ProfessionalProfile
from alora_core.booking.search import commands as c
from alora_core.booking.search.model import (
    Kind,
    Rating,
    ReindexReport,
    SearchHit,
    Sort,
    fold,
    words,
)
from alora_core.booking.search.use_cases import command_handlers, refresh
from alora_core.identity.model import Role, User, UserSettings, Visibility
from alora_core.shared.actor import Actor
from alora_core.shared.clock import FixedClock
from alora_core.shared.errors import Invalid
from alora_core.shared.events import DomainEvent
from alora_core.shared.jobs import Subscriptions
from alora_core.shared.messagebus import MessageBus
from alora_core.shared.money import Money
from alora_core.shared.pagination import Page
from alora_core.shared.serialization import event_from_message, event_to_message
from entrypoints import search_indexing

START = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
T = TypeVar("T")

ODD_QUERIES = [
    '"',
    '"plumbing',
    "*",
    "plumb*",
    "AND",
    "plumbing AND",
    "OR NOT",
    "NEAR(plumbing repair, 2)",
    "-plumbing",
    "- -",
    "title:plumbing",
    ":",
    "plumb\x00ing",
    "\x00",
    "!!!",
    "()",
    "'; DROP TABLE search_documents; --",
    "plumbing & | ! <-> :* \\",
    "{name_text}: plumbing",
    "^plumbing",
    "💧🔧",
    "\uff50\uff4c\uff55\uff4d\uff42\uff49\uff4e\uff47",  # full-width "plumbing"
    "a" * 200,
    " ".join(["x"] * 100),
]


SIGNED_IN = Actor(user_id=uuid.UUID(int=1), role=Role.CUSTOMER)


@define
class Harness:
    uow_factory: Callable[[], Any]
    clock: FixedClock
    subscriptions: Subscriptions
    bus: MessageBus
    handled: list[str]

    # -- writing the sources, and running the handlers of what they commit -------------------

    async def commit(self, work: Callable[[Any], Awaitable[T]], *, index: bool = True) -> T:
        uow = self.uow_factory()
        async with uow:
            result = await work(uow)
            await uow.commit()
        events = uow.collect_events()
        if index:
            await self.run_handlers(events)
        return result

    async def run_handlers(self, events: Sequence[DomainEvent]) -> None:
        for event in events:
            for handler in self.subscriptions.handlers_of(event):
                await self.run_handler(handler, event)

    async def run_handler(self, handler: str, event: DomainEvent) -> None:
        received = event_from_message(event_to_message(event))
        async with self.uow_factory() as uow:
            await self.subscriptions.get(handler).handle(received, uow)
            await uow.commit()
        self.handled.append(handler)

    async def user(
        self,
        name: str,
        *,
        role: Role = Role.PROFESSIONAL,
        visibility: Visibility = Visibility.PUBLIC,
    ) -> uuid.UUID:
        username = "".join(ch for ch in fold(name) if ch.isalnum())[:20] + uuid.uuid4().hex[:8]
        user = User(
            full_name=name,
            username=username,
            email=f"{username}@example.com",
            phone=None,
            password_hash="not a real hash",
            role=role,
            created_at=self.clock.now(),
            settings=UserSettings(profile_visibility=visibility),
        )

        async def add(uow: Any) -> None:
            await uow.users.add(user)

        await self.commit(add)
        return user.id

    async def professional(
        self,
        name: str,
        *,
        categories: Sequence[str] = (),
        skills: Sequence[str] = (),
        bio: str = "",
        rate: int | None = None,
        visibility: Visibility = Visibility.PUBLIC,
        index: bool = True,
    ) -> uuid.UUID:
        user_id = await self.user(name, visibility=visibility)
        offer = Offer(
            categories=tuple(categories),
            skills=tuple(skills),
            bio=bio,
            hourly_rate=None if rate is None else Money(rate, "EUR"),
        )

        async def add(uow: Any) -> None:
            user = await uow.users.get(user_id)
            profile = ProfessionalProfile.create(
                professional_id=user_id,
                offer=offer,
                timezone="Europe/Berlin",
                name=PersonName(user.full_name, user.username),
                now=self.clock.now(),
            )
            await uow.professionals.add(profile)

        await self.commit(add, index=index)
        return user_id

    async def change_offer(self, user_id: uuid.UUID, **changes: Any) -> None:
        async def change(uow: Any) -> None:
            profile = await uow.professionals.get(user_id)
            user = await uow.users.get(user_id)
            offer = Offer(**{**_offer_fields(profile.offer()), **changes})
            profile.update_offer(
                offer,
                timezone=profile.timezone,
                name=PersonName(user.full_name, user.username),
                now=self.clock.now(),
            )

        await self.commit(change)

    async def service(
        self,
        title: str,
        *,
        category: str = "plumbing",
        description: str = "",
        active: bool = True,
        index: bool = True,
    ) -> uuid.UUID:
        fields, errors = checked_fields(
            {"title": title, "category": category, "description": description, "active": active}
        )
        assert errors == []
        service = Service.create(fields, self.clock.now())

        async def add(uow: Any) -> None:
            await uow.services.add(service)

        await self.commit(add, index=index)
        return service.id

    async def change_service(self, service_id: uuid.UUID, **changes: Any) -> None:
        fields, errors = checked_fields(changes)
        assert errors == []

        async def change(uow: Any) -> None:
            service = await uow.services.get(service_id)
            assert service.change(fields, self.clock.now())

        await self.commit(change)

    async def delete_service(self, service_id: uuid.UUID, *, index: bool = True) -> None:
        async def remove(uow: Any) -> None:
            service = await uow.services.get(service_id)
            service.delete(self.clock.now())

        await self.commit(remove, index=index)

    async def change_user(self, user_id: uuid.UUID, change: Callable[[User], None]) -> None:
        async def apply(uow: Any) -> None:
            change(await uow.users.get(user_id))

        await self.commit(apply)

    async def delete_user(self, user_id: uuid.UUID) -> None:
        async def remove(uow: Any) -> None:
            user = await uow.users.get(user_id)
            user.mark_deleted(self.clock.now())
            await uow.users.delete(user)

        await self.commit(remove)

    async def review(self, user_id: uuid.UUID, *ratings: int) -> None:
        async def count(uow: Any) -> None:
            await uow.reviews.count_in_rating(user_id, reviews=len(ratings), rating=sum(ratings))

        await self.commit(count)

    # -- searching -------------------------------------------------------------------------------

    async def search(self, q: str | None = None, **query: Any) -> Page[SearchHit]:
        page: Page[SearchHit] = await self.bus.handle(c.Search(q=q, **query))
        return page

    async def labels(self, q: str | None = None, **query: Any) -> list[str]:
        return [hit.label for hit in (await self.search(q, **query)).items]

    async def suggest(self, q: str, *, signed_in: bool = False) -> list[str]:
        viewer = SIGNED_IN if signed_in else Actor.anonymous()
        found = await self.bus.handle(c.Autocomplete(q=q, viewer=viewer))
        return [suggestion.label for suggestion in found]

    async def reindex(self, batch_size: int = 200) -> ReindexReport:
        report: ReindexReport = await self.bus.handle(c.Reindex(batch_size=batch_size))
        return report

    async def indexed(self) -> dict[uuid.UUID, Kind]:
        async with self.uow_factory().reading() as uow:
            found: dict[uuid.UUID, Kind] = await uow.search.indexed()
            return found


def _offer_fields(offer: Offer) -> dict[str, Any]:
    return {
        "categories": offer.categories,
        "service_ids": offer.service_ids,
        "skills": offer.skills,
        "bio": offer.bio,
        "hourly_rate": offer.hourly_rate,
        "service_area": offer.service_area,
        "gallery_file_ids": offer.gallery_file_ids,
    }


@pytest.fixture
def s(uow_factory: Callable[[], Any]) -> Harness:
    subscriptions = Subscriptions()
    search_indexing.subscribe(subscriptions)
    bus = MessageBus(uow_factory, command_handlers())
    return Harness(uow_factory, FixedClock(START), subscriptions, bus, [])


# --- folding --------------------------------------------------------------------------------------


def test_folding_drops_case_accents_and_punctuation() -> None:
    assert fold("  Électricien, ZÜRICH!  ") == "electricien zurich"
    assert fold("Łódź Øster straße ﬁx") == "lodz oster strasse fix"
    assert fold('"plumb*" AND -x:y') == "plumb and x y"
    assert fold("\x00\t\n") == ""
    assert words("Repair, repair and REPAIR") == ["repair", "and"]


# --- ranking --------------------------------------------------------------------------------------


async def test_a_title_match_ranks_above_a_description_match(s: Harness) -> None:
    await s.service("Leak detection", description="We find leaks before your plumbing bursts.")
    await s.service("Plumbing repair", description="Pipes, taps and drains.")
    await s.service("Painting", category="painting", description="Walls and ceilings.")

    assert await s.labels("plumbing") == ["Plumbing repair", "Leak detection"]
    assert await s.labels("plumbing", type=Kind.SERVICE) == ["Plumbing repair", "Leak detection"]


async def test_a_name_ranks_above_skills_and_skills_above_a_bio(s: Harness) -> None:
    await s.professional("Ana Tiler", bio="I also paint, when asked.")
    await s.professional("Ben Painter", bio="Twenty years on scaffolds.")
    await s.professional("Cleo Brush", skills=["painting", "plaster"], bio="Neat and quick.")

    assert await s.labels("paint", type=Kind.PROFESSIONAL) == [
        "Ben Painter",
        "Cleo Brush",
        "Ana Tiler",
    ]


async def test_professionals_and_services_rank_together_without_a_type(s: Harness) -> None:
    service = await s.service("Electrical inspection", category="electricity")
    pro = await s.professional("Dana Volt", skills=["electrical"], rate=5000)

    page = await s.search("electrical")
    assert [(hit.kind, hit.id) for hit in page.items] == [
        (Kind.SERVICE, service),  # the title beats a skill
        (Kind.PROFESSIONAL, pro),
    ]
    [only_pros] = (await s.search("electrical", type=Kind.PROFESSIONAL)).items
    assert only_pros.id == pro and only_pros.hourly_rate == Money(5000, "EUR")


async def test_every_word_must_match(s: Harness) -> None:
    await s.service("Plumbing repair")
    await s.service("Plumbing installation")
    await s.service("Roof repair", category="roofing")

    assert await s.labels("plumbing repair") == ["Plumbing repair"]
    assert await s.labels("repair") == ["Plumbing repair", "Roof repair"]


# --- accents, case and prefixes -------------------------------------------------------------------


async def test_search_ignores_case_and_accents_both_ways(s: Harness) -> None:
    await s.professional("Élodie Électricienne", categories=["électricité"])
    await s.service("Electricien à domicile", category="electricite")

    assert await s.labels("electricienne") == ["Élodie Électricienne"]
    both = ["Electricien à domicile", "Élodie Électricienne"]
    assert sorted(await s.labels("ÉLECTRICIEN")) == both  # both in the name: no set order
    assert await s.labels("ÉLODIE") == ["Élodie Électricienne"]
    assert await s.labels("a domicile") == ["Electricien à domicile"]
    assert await s.labels("\uff45\uff4c\uff4f\uff44\uff49\uff45") == ["Élodie Électricienne"]


async def test_each_word_matches_the_start_of_a_word(s: Harness) -> None:
    await s.professional("Marta Müller", skills=["woodwork"], bio="Kitchens and wardrobes.")
    await s.service("Carpentry", category="carpentry")

    assert await s.labels("mul") == ["Marta Müller"]
    assert await s.labels("wood") == ["Marta Müller"]
    assert await s.labels("ardrobe") == []  # not the middle of a word
    assert await s.labels("carp") == ["Carpentry"]
    assert await s.labels("carpentryx") == []


# --- filters --------------------------------------------------------------------------------------


async def test_the_category_filter_ignores_case_and_accents(s: Harness) -> None:
    await s.professional("Ana", categories=["Électricité", "plumbing"])
    await s.professional("Ben", categories=["painting"])
    await s.service("Rewiring", category="electricite")
    await s.service("Taps", category="plumbing")

    assert await s.labels(category="ELECTRICITE") == ["Ana", "Rewiring"]
    assert await s.labels(category="électricité", type=Kind.SERVICE) == ["Rewiring"]
    assert await s.labels(category="plumbing") == ["Ana", "Taps"]
    assert await s.labels(category="electric") == []  # a category, not a prefix
    assert await s.labels(category="!!!") == []


async def test_the_rate_range_keeps_professionals_in_it(s: Harness) -> None:
    await s.professional("Cheap", rate=2000, skills=["tiling"])
    await s.professional("Middle", rate=4000, skills=["tiling"])
    await s.professional("Dear", rate=9000, skills=["tiling"])
    await s.professional("Unpriced", skills=["tiling"])
    await s.service("Tiling", category="tiling")

    assert await s.labels("tiling", min_rate=4000) == ["Dear", "Middle"]
    assert await s.labels("tiling", max_rate=4000, sort=Sort.RATE) == ["Cheap", "Middle"]
    assert await s.labels(min_rate=2000, max_rate=4000, sort=Sort.RATE) == ["Cheap", "Middle"]
    assert await s.labels(min_rate=4001, max_rate=8999) == []
    assert await s.labels("tiling", min_rate=0, type=Kind.SERVICE) == []  # services have no rate


# --- sorts ----------------------------------------------------------------------------------------


async def test_sort_by_rate_puts_the_cheapest_first_and_the_unpriced_last(s: Harness) -> None:
    await s.professional("Ana", rate=6000, skills=["garden"])
    await s.professional("Ben", rate=3000, skills=["garden"])
    await s.professional("Cleo", skills=["garden"])
    await s.service("Garden care", category="gardening")

    assert await s.labels("garden", sort=Sort.RATE) == ["Ben", "Ana", "Garden care", "Cleo"]
    assert await s.labels("garden", sort=Sort.RATE, type=Kind.PROFESSIONAL) == [
        "Ben",
        "Ana",
        "Cleo",
    ]


async def test_sort_by_rating_puts_the_best_rated_first_then_the_most_reviewed(
    s: Harness,
) -> None:
    ana = await s.professional("Ana", skills=["moving"])
    ben = await s.professional("Ben", skills=["moving"])
    cleo = await s.professional("Cleo", skills=["moving"])
    await s.professional("Dan", skills=["moving"])
    await s.review(ana, 4, 5)  # 4.5 of 2
    await s.review(ben, 5)  # 5.0 of 1
    await s.review(cleo, 5, 4, 5, 4)  # 4.5 of 4

    page = await s.search("moving", sort=Sort.RATING)
    assert [hit.label for hit in page.items] == ["Ben", "Cleo", "Ana", "Dan"]
    assert [hit.rating for hit in page.items] == [
        Rating(average=5.0, count=1),
        Rating(average=4.5, count=4),
        Rating(average=4.5, count=2),
        None,
    ]


async def test_ratings_are_read_live_without_a_reindex(s: Harness) -> None:
    ana = await s.professional("Ana", skills=["moving"])
    before = len(s.handled)
    await s.review(ana, 3, 4)
    assert len(s.handled) == before  # no job: the counters are read at query time
    [hit] = (await s.search("moving")).items
    assert hit.rating == Rating(average=3.5, count=2)


# --- what is found --------------------------------------------------------------------------------


async def test_inactive_and_deleted_services_are_not_found(s: Harness) -> None:
    taps = await s.service("Taps", category="plumbing")
    drains = await s.service("Drains", category="plumbing")
    await s.service("Boilers", category="plumbing", active=False)

    await s.change_service(taps, active=False)
    await s.delete_service(drains)
    assert await s.labels(category="plumbing") == []
    assert await s.suggest("ta") == []

    await s.change_service(taps, active=True)
    assert await s.labels("taps") == ["Taps"]
    assert drains not in await s.indexed()


async def test_hidden_professionals_are_not_found(s: Harness) -> None:
    await s.professional("Pia Public", skills=["cleaning"])
    await s.professional("Rita Registered", skills=["cleaning"], visibility=Visibility.REGISTERED)
    await s.professional("Pete Private", skills=["cleaning"], visibility=Visibility.PRIVATE)
    sam = await s.professional("Sam Suspended", skills=["cleaning"])
    await s.change_user(sam, lambda user: user.suspend("spam", START))
    await s.user("Cora Customer")  # no profile: never indexed

    assert await s.labels("cleaning") == ["Pia Public"]
    assert await s.labels("cleaning", viewer=SIGNED_IN) == ["Pia Public", "Rita Registered"]
    assert await s.suggest("ri") == []
    assert await s.suggest("ri", signed_in=True) == ["Rita Registered"]
    assert await s.labels("sam") == [] and await s.labels("pete") == []

    await s.change_user(sam, lambda user: user.unsuspend(START))
    assert await s.labels("sam") == ["Sam Suspended"]


async def test_a_professional_who_stops_being_one_or_leaves_is_not_found(s: Harness) -> None:
    ana = await s.professional("Ana", skills=["roofing"])
    ben = await s.professional("Ben", skills=["roofing"])

    await s.change_user(ana, lambda user: user.change_role(Role.CUSTOMER, START))
    await s.delete_user(ben)
    assert await s.labels("roofing") == []
    assert ben not in await s.indexed()


async def test_changes_reach_the_index(s: Harness) -> None:
    ana = await s.professional("Ana Smith", skills=["tiling"], bio="Bathrooms.")
    taps = await s.service("Taps", category="plumbing", description="Dripping taps fixed.")

    await s.change_offer(ana, skills=("glazing",), bio="Windows and doors.", categories=("glass",))
    await s.change_user(ana, lambda user: user.update_profile(START, full_name="Ana Jones"))
    await s.change_service(taps, title="Mixer taps", description="Mixers", category="kitchens")

    assert await s.labels("tiling") == [] and await s.labels("bathrooms") == []
    assert await s.labels("glazing windows") == ["Ana Jones"]
    assert await s.labels("smith") == [] and await s.labels("jones") == ["Ana Jones"]
    assert await s.labels("dripping") == [] and await s.labels("mixer") == ["Mixer taps"]
    [hit] = (await s.search("jones")).items
    assert hit.categories == ("glass",) and hit.summary == "Windows and doors."
    assert await s.labels(category="kitchens") == ["Mixer taps"]


async def test_handlers_only_run_for_what_the_index_holds(s: Harness) -> None:
    taps = await s.service("Taps")
    ana = await s.professional("Ana")
    s.handled.clear()

    await s.change_service(taps, active=False)  # read live: no job
    await s.change_service(taps, color="#112233")
    await s.change_user(ana, lambda user: user.update_profile(START, bio="Hello"))
    assert s.handled == []
    await s.change_service(taps, description="New words")
    await s.change_user(ana, lambda user: user.update_profile(START, full_name="Ana B"))
    assert s.handled == ["search.index_changed_service", "search.index_renamed_professional"]


async def test_a_summary_is_the_start_of_a_long_text(s: Harness) -> None:
    await s.service("Essay", description=("lorem ipsum " * 100).strip())
    [hit] = (await s.search("essay")).items
    assert len(hit.summary) <= 280 and hit.summary.endswith("…")
    assert hit.summary.startswith("lorem ipsum lorem")


# --- paging ---------------------------------------------------------------------------------------


async def test_pages_carry_totals_even_past_the_end(s: Harness) -> None:
    for number in range(5):
        await s.service(f"Window cleaning {number}", category="cleaning")

    first = await s.search("window", page=1, page_size=2)
    assert [hit.label for hit in first.items] == ["Window cleaning 0", "Window cleaning 1"]
    assert (first.total, first.pages) == (5, 3)
    last = await s.search("window", page=3, page_size=2)
    assert [hit.label for hit in last.items] == ["Window cleaning 4"]
    past = await s.search("window", page=9, page_size=2)
    assert (past.items, past.total, past.page) == ([], 5, 9)
    everything = await s.search(category="cleaning", page=4, page_size=1)
    assert [hit.label for hit in everything.items] == ["Window cleaning 3"]


# --- autocomplete ---------------------------------------------------------------------------------


async def test_autocomplete_suggests_names_and_titles_only_at_most_five(s: Harness) -> None:
    pro = await s.professional("Paula Plumber", bio="Plenty of plans.")
    await s.service("Plastering", category="plaster")
    for number in range(5):
        await s.service(f"Plumbing {number}")

    found = await s.bus.handle(c.Autocomplete(q="  Pl "))
    assert len(found) == 5
    plum = await s.suggest("plum")
    assert len(plum) == 5
    assert set(plum) <= {"Paula Plumber", *(f"Plumbing {number}" for number in range(5))}
    assert await s.suggest("plenty") == []  # the bio is not suggested from
    assert await s.suggest("pau plu") == ["Paula Plumber"]
    [suggestion] = await s.bus.handle(c.Autocomplete(q="paula"))
    assert (suggestion.kind, suggestion.id) == (Kind.PROFESSIONAL, pro)
    assert await s.suggest("ÉLÉ") == []


async def test_autocomplete_needs_two_characters(s: Harness) -> None:
    for text in ["", " ", "a", "  a  ", "\x00"]:
        with pytest.raises(Invalid) as caught:
            await s.suggest(text)
        assert caught.value.errors[0].field == "q"
    with pytest.raises(Invalid):
        await s.suggest("a" * 201)
    assert await s.suggest("!!") == []
    assert await s.suggest('"*') == []


# --- odd input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ODD_QUERIES)
async def test_odd_search_text_never_breaks_a_query(s: Harness, text: str) -> None:
    await s.service("Plumbing repair", description="Taps and drains")
    await s.professional("Ana", skills=["plumbing"])
    # What each document holds, folded: its name, then the rest.
    held = {
        "Plumbing repair": ("plumbing repair", "plumbing taps and drains"),
        "Ana": ("ana", "plumbing"),
    }

    def matching(*, names_only: bool) -> set[str]:
        terms = words(text)
        return {
            label
            for label, (name, rest) in held.items()
            if terms
            and all(
                any(
                    word.startswith(term)
                    for word in (name if names_only else f"{name} {rest}").split()
                )
                for term in terms
            )
        }

    page = await s.search(text)
    assert {hit.label for hit in page.items} == matching(names_only=False)
    assert page.total == len(page.items)
    if len(text.strip()) >= 2:
        assert set(await s.suggest(text)) == matching(names_only=True)


async def test_search_text_of_only_punctuation_finds_nothing(s: Harness) -> None:
    await s.service("Plumbing repair")
    for text in ["!!!", "*", '"', "-", ":", "\x00", "()"]:
        page = await s.search(text)
        assert (page.items, page.total) == ([], 0), text
    assert await s.labels("   ") == ["Plumbing repair"]  # blank: no text condition


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"q": "a" * 201}, "q"),
        ({"min_rate": -1}, "min_rate"),
        ({"max_rate": 10**13}, "max_rate"),
        ({"min_rate": 500, "max_rate": 499}, "max_rate"),
        ({"category": "x" * 101}, "category"),
        ({"page": 0}, "page"),
        ({"page_size": 101}, "page_size"),
    ],
)
async def test_bad_search_parameters_are_invalid(
    s: Harness, query: dict[str, Any], field: str
) -> None:
    with pytest.raises(Invalid) as caught:
        await s.search(**query)
    assert [error.field for error in caught.value.errors] == [field]


# --- keeping the index: idempotence, reindex, races -----------------------------------------------


async def test_handlers_are_idempotent_and_order_free(s: Harness) -> None:
    taps = await s.service("Taps")
    pro = await s.professional("Ana", skills=["tiling"])
    before = await s.labels()

    async def refresh_twice(kind: Kind, ref_id: uuid.UUID) -> None:
        for _ in range(2):
            async with s.uow_factory() as uow:
                await refresh(kind, ref_id, uow)
                await uow.commit()

    await refresh_twice(Kind.SERVICE, taps)
    await refresh_twice(Kind.PROFESSIONAL, pro)
    assert await s.labels() == before
    assert await s.indexed() == {taps: Kind.SERVICE, pro: Kind.PROFESSIONAL}

    await s.delete_service(taps, index=False)
    # An old "created" arrives after the deletion: it re-reads the service, gone now.
    await refresh_twice(Kind.SERVICE, taps)
    assert await s.indexed() == {pro: Kind.PROFESSIONAL}


async def test_reindex_rebuilds_the_index_and_is_idempotent(s: Harness) -> None:
    kept = await s.service("Taps")
    missed = await s.service("Drains", index=False)  # its event was never handled
    gone = await s.service("Boilers")
    await s.delete_service(gone, index=False)  # nor was this one
    ana = await s.professional("Ana", skills=["tiling"], index=False)
    ben = await s.professional("Ben", skills=["tiling"])
    assert await s.indexed() == {kept: Kind.SERVICE, gone: Kind.SERVICE, ben: Kind.PROFESSIONAL}

    report = await s.reindex(batch_size=2)
    assert report == ReindexReport(services=2, professionals=2, removed=1)
    expected = {
        kept: Kind.SERVICE,
        missed: Kind.SERVICE,
        ana: Kind.PROFESSIONAL,
        ben: Kind.PROFESSIONAL,
    }
    assert await s.indexed() == expected
    found = await s.labels()
    assert found == ["Ana", "Ben", "Drains", "Taps"]

    again = await s.reindex()
    assert again == ReindexReport(services=2, professionals=2, removed=0)
    assert await s.indexed() == expected
    assert await s.labels() == found


async def test_reindex_of_an_empty_catalog_does_nothing(s: Harness) -> None:
    assert await s.reindex() == ReindexReport(services=0, professionals=0, removed=0)
    with pytest.raises(Invalid):
        await s.reindex(batch_size=0)


async def test_concurrent_refreshes_of_one_document_leave_one_document(s: Harness) -> None:
    taps = await s.service("Taps", index=False)

    async def index_once() -> None:
        async with s.uow_factory() as uow:
            await refresh(Kind.SERVICE, taps, uow)
            await uow.commit()

    results = await asyncio.gather(*(index_once() for _ in range(10)), return_exceptions=True)
    assert [r for r in results if r is not None] == []
    assert await s.indexed() == {taps: Kind.SERVICE}
    assert await s.labels("taps") == ["Taps"]
