"""The services catalog's reads: who sees what, pages, filters, text search and the list cache,
on every backend (memory, SQLite, PostgreSQL); the harness is ``catalog_harness``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from alora_core.booking.catalog import commands as c
from alora_core.booking.catalog.queries import ServiceView
from alora_core.booking.catalog.use_cases import LIST_CACHE_TTL
from alora_core.shared.cache import PageCache
from alora_core.shared.errors import Forbidden, Invalid, NotFound
from alora_core.shared.ids import new_id
from alora_core.shared.pagination import Page
from contexts.booking.catalog_harness import (
    AS_ADMIN,
    START,
    Catalog,
    fields_of,
    new,
    open_catalog,
)
from support.backends import Backend


@pytest.fixture
async def catalog(backend: Backend) -> Catalog:
    return await open_catalog(backend)


# --- reading ----------------------------------------------------------------------------------


async def test_everyone_sees_active_services_and_admins_all(catalog: Catalog) -> None:
    await catalog.create_many(new("Ironing"), new("Dusting", active=False), new("Mopping"))
    assert await catalog.titles() == ["Ironing", "Mopping"]
    assert await catalog.titles(active=True) == ["Ironing", "Mopping"]
    assert await catalog.titles(viewer=AS_ADMIN) == ["Dusting", "Ironing", "Mopping"]
    assert await catalog.titles(viewer=AS_ADMIN, active=False) == ["Dusting"]
    assert await catalog.titles(viewer=AS_ADMIN, active=True) == ["Ironing", "Mopping"]
    with pytest.raises(Forbidden):
        await catalog.list(active=False)


async def test_get_hides_inactive_services_from_all_but_admins(catalog: Catalog) -> None:
    [shown, hidden] = await catalog.create_many(new("Ironing"), new("Dusting", active=False))
    assert (await catalog.get(shown.id)).title == "Ironing"
    with pytest.raises(NotFound):
        await catalog.get(hidden.id)
    view = await catalog.get(hidden.id, admin=True)
    assert (view.id, view.title, view.active, view.version) == (hidden.id, "Dusting", False, 1)
    with pytest.raises(NotFound):
        await catalog.get(new_id(), admin=True)


async def test_lists_are_by_title_ignoring_case_in_numbered_pages(catalog: Catalog) -> None:
    titles = ["banana", "Apple", "cherry", "Date", "elderberry"]
    await catalog.create_many(*(new(t) for t in titles))
    first = await catalog.list(page=1, page_size=2)
    assert [i.title for i in first.items] == ["Apple", "banana"]
    assert (first.total, first.page, first.page_size, first.pages) == (5, 1, 2, 3)
    last = await catalog.list(page=3, page_size=2)
    assert [i.title for i in last.items] == ["elderberry"]
    beyond = await catalog.list(page=4, page_size=2)
    assert (list(beyond.items), beyond.total) == ([], 5)
    assert (await catalog.list(category="none")).total == 0


@pytest.mark.parametrize(("page", "page_size"), [(0, 20), (1, 0), (1, 101)])
async def test_page_numbers_and_sizes_are_checked(
    catalog: Catalog, page: int, page_size: int
) -> None:
    with pytest.raises(Invalid):
        await catalog.list(page=page, page_size=page_size)


async def test_lists_filter_by_category(catalog: Catalog) -> None:
    await catalog.create_many(
        new("Ironing", "laundry"), new("Dusting", "cleaning"), new("Washing", "laundry")
    )
    assert await catalog.titles(category="laundry") == ["Ironing", "Washing"]
    assert await catalog.titles(category=" LAUNDRY ") == ["Ironing", "Washing"]
    assert await catalog.titles(category="") == ["Dusting", "Ironing", "Washing"]
    with pytest.raises(Invalid) as caught:
        await catalog.list(category="not a label")
    assert fields_of(caught.value) == ["category"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("electricite", ["Électricité générale"]),
        ("ÉLECTRICITÉ", ["Électricité générale"]),
        ("GENERALE", ["Électricité générale"]),
        ("plomb", ["Plumbing"]),  # in the description: "Plomberie"
        ("  leaky   taps ", ["Plumbing"]),
        ("fix", ["Électricité générale", "Plumbing"]),
        ("50%", ["Painting"]),
        ("%", ["Painting"]),
        ("_", []),
        ("plumbing leaky", []),  # title and description are matched apart
        ("", ["Électricité générale", "Painting", "Plumbing"]),
        ("zzz", []),
    ],
)
async def test_text_matches_title_and_description_ignoring_case_and_accents(
    catalog: Catalog, text: str, expected: list[str]
) -> None:
    await catalog.create_many(
        new("Électricité générale", "electrical", description="We fix sockets."),
        new("Plumbing", "plumbing", description="Leaky taps fixed.\nPlomberie."),
        new("Painting", "painting", description="Walls, 50% off in May."),
    )
    assert await catalog.titles(text=text) == expected


async def test_text_search_follows_updates(catalog: Catalog) -> None:
    service = await catalog.create("Plumbing", description="Pipes")
    await catalog.update(service, 1, title="Chauffage", description="Chaudières")
    assert await catalog.titles(text="chaudiere") == ["Chauffage"]
    assert await catalog.titles(text="pipes") == []


async def test_overlong_search_text_is_invalid(catalog: Catalog) -> None:
    with pytest.raises(Invalid):
        await catalog.list(text="x" * 101)


# --- the list cache ---------------------------------------------------------------------------


async def test_a_process_lists_its_own_writes_at_once(catalog: Catalog) -> None:
    assert await catalog.titles() == []
    plumbing = await catalog.create("Plumbing")
    assert await catalog.titles() == ["Plumbing"]
    await catalog.update(plumbing, 1, title="Plumbing and heating")
    assert await catalog.titles() == ["Plumbing and heating"]
    await catalog.create_many(new("Ironing"))
    assert await catalog.titles() == ["Ironing", "Plumbing and heating"]
    await catalog.delete(plumbing.id)
    assert await catalog.titles() == ["Ironing"]


async def test_another_process_shows_a_change_within_the_cache_time(catalog: Catalog) -> None:
    other = await catalog.another_process()
    await catalog.create("Plumbing")

    async def titles_there(**query: Any) -> list[str]:
        page = await other.bus.handle(c.ListServices(**query))
        return [item.title for item in page.items]

    assert await titles_there() == ["Plumbing"]
    await catalog.create("Painting", category="painting")
    assert await titles_there() == ["Plumbing"]  # its page is still fresh enough
    assert await titles_there(viewer=AS_ADMIN) == ["Painting", "Plumbing"]
    catalog.clock.advance(LIST_CACHE_TTL)
    assert await titles_there() == ["Painting", "Plumbing"]


@pytest.mark.memory  # pure: no backend
def test_a_page_read_across_a_write_is_not_kept() -> None:
    cache: PageCache[ServiceView] = PageCache(timedelta(seconds=2), max_entries=2)
    page: Page[ServiceView] = Page(items=[], total=0, page=1, page_size=20)
    generation = cache.generation
    cache.clear()  # a write committed while the page was read
    cache.put("stale", page, generation, START)
    assert cache.get("stale", START) is None
    for key in ("a", "b", "c"):
        cache.put(key, page, cache.generation, START)
    assert [cache.get(key, START) for key in ("a", "b", "c")] == [None, page, page]
    assert cache.get("c", START + timedelta(seconds=2)) is None
