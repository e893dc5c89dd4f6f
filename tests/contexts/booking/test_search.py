"""Search over professionals and services, on every backend (memory, SQLite, PostgreSQL):
folding, ranking, accents and prefixes, filters, sorts, pages, autocomplete and odd input.
Keeping the index in step is in ``test_search_index.py``; the ``s`` harness is
``search_harness``."""

from __future__ import annotations

from typing import Any

import pytest

from alora_core.booking.search import commands as c
from alora_core.booking.search.model import Kind, Rating, Sort, fold, words
from alora_core.shared.errors import Invalid
from alora_core.shared.money import Money
from contexts.booking.search_harness import Finder, open_finder
from support.backends import Backend

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


@pytest.fixture
async def s(backend: Backend) -> Finder:
    return await open_finder(backend)


# --- folding --------------------------------------------------------------------------------------


@pytest.mark.memory  # pure: no backend
def test_folding_drops_case_accents_and_punctuation() -> None:
    assert fold("  Électricien, ZÜRICH!  ") == "electricien zurich"
    assert fold("Łódź Øster straße ﬁx") == "lodz oster strasse fix"
    assert fold('"plumb*" AND -x:y') == "plumb and x y"
    assert fold("\x00\t\n") == ""
    assert words("Repair, repair and REPAIR") == ["repair", "and"]


# --- ranking --------------------------------------------------------------------------------------


async def test_a_title_match_ranks_above_a_description_match(s: Finder) -> None:
    await s.service("Leak detection", description="We find leaks before your plumbing bursts.")
    await s.service("Plumbing repair", description="Pipes, taps and drains.")
    await s.service("Painting", category="painting", description="Walls and ceilings.")

    assert await s.labels("plumbing") == ["Plumbing repair", "Leak detection"]
    assert await s.labels("plumbing", type=Kind.SERVICE) == ["Plumbing repair", "Leak detection"]


async def test_a_name_ranks_above_skills_and_skills_above_a_bio(s: Finder) -> None:
    await s.professional("Ana Tiler", bio="I also paint, when asked.")
    await s.professional("Ben Painter", bio="Twenty years on scaffolds.")
    await s.professional("Cleo Brush", skills=["painting", "plaster"], bio="Neat and quick.")

    assert await s.labels("paint", type=Kind.PROFESSIONAL) == [
        "Ben Painter",
        "Cleo Brush",
        "Ana Tiler",
    ]


async def test_professionals_and_services_rank_together_without_a_type(s: Finder) -> None:
    service = await s.service("Electrical inspection", category="electricity")
    pro = await s.professional("Dana Volt", skills=["electrical"], rate=5000)

    page = await s.search("electrical")
    assert [(hit.kind, hit.id) for hit in page.items] == [
        (Kind.SERVICE, service),  # the title beats a skill
        (Kind.PROFESSIONAL, pro),
    ]
    [only_pros] = (await s.search("electrical", type=Kind.PROFESSIONAL)).items
    assert only_pros.id == pro and only_pros.hourly_rate == Money(5000, "EUR")


async def test_every_word_must_match(s: Finder) -> None:
    await s.service("Plumbing repair")
    await s.service("Plumbing installation")
    await s.service("Roof repair", category="roofing")

    assert await s.labels("plumbing repair") == ["Plumbing repair"]
    assert await s.labels("repair") == ["Plumbing repair", "Roof repair"]


# --- accents, case and prefixes -------------------------------------------------------------------


async def test_search_ignores_case_and_accents_both_ways(s: Finder) -> None:
    await s.professional("Élodie Électricienne", categories=["électricité"])
    await s.service("Electricien à domicile", category="electricite")

    assert await s.labels("electricienne") == ["Élodie Électricienne"]
    both = ["Electricien à domicile", "Élodie Électricienne"]
    assert sorted(await s.labels("ÉLECTRICIEN")) == both  # both in the name: no set order
    assert await s.labels("ÉLODIE") == ["Élodie Électricienne"]
    assert await s.labels("a domicile") == ["Electricien à domicile"]
    assert await s.labels("\uff45\uff4c\uff4f\uff44\uff49\uff45") == ["Élodie Électricienne"]


async def test_each_word_matches_the_start_of_a_word(s: Finder) -> None:
    await s.professional("Marta Müller", skills=["woodwork"], bio="Kitchens and wardrobes.")
    await s.service("Carpentry", category="carpentry")

    assert await s.labels("mul") == ["Marta Müller"]
    assert await s.labels("wood") == ["Marta Müller"]
    assert await s.labels("ardrobe") == []  # not the middle of a word
    assert await s.labels("carp") == ["Carpentry"]
    assert await s.labels("carpentryx") == []


# --- filters --------------------------------------------------------------------------------------


async def test_the_category_filter_ignores_case_and_accents(s: Finder) -> None:
    await s.professional("Ana", categories=["Électricité", "plumbing"])
    await s.professional("Ben", categories=["painting"])
    await s.service("Rewiring", category="electricite")
    await s.service("Taps", category="plumbing")

    assert await s.labels(category="ELECTRICITE") == ["Ana", "Rewiring"]
    assert await s.labels(category="électricité", type=Kind.SERVICE) == ["Rewiring"]
    assert await s.labels(category="plumbing") == ["Ana", "Taps"]
    assert await s.labels(category="electric") == []  # a category, not a prefix
    assert await s.labels(category="!!!") == []


async def test_the_rate_range_keeps_professionals_in_it(s: Finder) -> None:
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


async def test_sort_by_rate_puts_the_cheapest_first_and_the_unpriced_last(s: Finder) -> None:
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
    s: Finder,
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


async def test_ratings_are_read_live_without_a_reindex(s: Finder) -> None:
    ana = await s.professional("Ana", skills=["moving"])
    before = len(s.handled)
    await s.review(ana, 3, 4)
    assert len(s.handled) == before  # no job: the counters are read at query time
    [hit] = (await s.search("moving")).items
    assert hit.rating == Rating(average=3.5, count=2)


# --- paging ---------------------------------------------------------------------------------------


async def test_pages_carry_totals_even_past_the_end(s: Finder) -> None:
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


async def test_autocomplete_suggests_names_and_titles_only_at_most_five(s: Finder) -> None:
    pro = await s.professional("Paula Plumber", bio="Plenty of plans.")
    await s.service("Plastering", category="plaster")
    for number in range(5):
        await s.service(f"Plumbing {number}")

    found = await s.handle(c.Autocomplete(q="  Pl "))
    assert len(found) == 5
    plum = await s.suggest("plum")
    assert len(plum) == 5
    assert set(plum) <= {"Paula Plumber", *(f"Plumbing {number}" for number in range(5))}
    assert await s.suggest("plenty") == []  # the bio is not suggested from
    assert await s.suggest("pau plu") == ["Paula Plumber"]
    [suggestion] = await s.handle(c.Autocomplete(q="paula"))
    assert (suggestion.kind, suggestion.id) == (Kind.PROFESSIONAL, pro)
    assert await s.suggest("ÉLÉ") == []


async def test_autocomplete_needs_two_characters(s: Finder) -> None:
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
async def test_odd_search_text_never_breaks_a_query(s: Finder, text: str) -> None:
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


async def test_search_text_of_only_punctuation_finds_nothing(s: Finder) -> None:
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
    s: Finder, query: dict[str, Any], field: str
) -> None:
    with pytest.raises(Invalid) as caught:
        await s.search(**query)
    assert [error.field for error in caught.value.errors] == [field]
