"""The search index kept in step with what it indexes, on every backend (memory, SQLite,
PostgreSQL): what is found after changes, suspensions and deletions, which handlers run,
idempotence, reindexing and racing refreshes; the ``s`` harness is ``search_harness``."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from alora_core.booking.search.model import Kind, ReindexReport
from alora_core.booking.search.use_cases import refresh
from alora_core.identity.model import Role, Visibility
from alora_core.shared.errors import Invalid
from contexts.booking.search_harness import SIGNED_IN, START, Finder, open_finder
from support.backends import Backend


@pytest.fixture
async def s(backend: Backend) -> Finder:
    return await open_finder(backend)


# --- what is found --------------------------------------------------------------------------------


async def test_inactive_and_deleted_services_are_not_found(s: Finder) -> None:
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


async def test_hidden_professionals_are_not_found(s: Finder) -> None:
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


async def test_a_professional_who_stops_being_one_or_leaves_is_not_found(s: Finder) -> None:
    ana = await s.professional("Ana", skills=["roofing"])
    ben = await s.professional("Ben", skills=["roofing"])

    await s.change_user(ana, lambda user: user.change_role(Role.CUSTOMER, START))
    await s.delete_user(ben)
    assert await s.labels("roofing") == []
    assert ben not in await s.indexed()


async def test_changes_reach_the_index(s: Finder) -> None:
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


async def test_handlers_only_run_for_what_the_index_holds(s: Finder) -> None:
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


async def test_a_summary_is_the_start_of_a_long_text(s: Finder) -> None:
    await s.service("Essay", description=("lorem ipsum " * 100).strip())
    [hit] = (await s.search("essay")).items
    assert len(hit.summary) <= 280 and hit.summary.endswith("…")
    assert hit.summary.startswith("lorem ipsum lorem")


# --- keeping the index: idempotence, reindex, races -----------------------------------------------


async def test_handlers_are_idempotent_and_order_free(s: Finder) -> None:
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


async def test_reindex_rebuilds_the_index_and_is_idempotent(s: Finder) -> None:
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


async def test_reindex_of_an_empty_catalog_does_nothing(s: Finder) -> None:
    assert await s.reindex() == ReindexReport(services=0, professionals=0, removed=0)
    with pytest.raises(Invalid):
        await s.reindex(batch_size=0)


async def test_concurrent_refreshes_of_one_document_leave_one_document(s: Finder) -> None:
    taps = await s.service("Taps", index=False)

    async def index_once() -> None:
        async with s.uow_factory() as uow:
            await refresh(Kind.SERVICE, taps, uow)
            await uow.commit()

    results = await asyncio.gather(*(index_once() for _ in range(10)), return_exceptions=True)
    assert [r for r in results if r is not None] == []
    assert await s.indexed() == {taps: Kind.SERVICE}
    assert await s.labels("taps") == ["Taps"]
