"""The services catalog's use cases that write: creating, creating many, changing and deleting,
on every backend (memory, SQLite, PostgreSQL). Reading and the list cache are in
``test_catalog_reading.py``; the harness is ``catalog_harness``."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from alora_core.booking.catalog import commands as c
from alora_core.booking.catalog.events import ServiceCreated, ServiceDeleted, ServiceUpdated
from alora_core.booking.catalog.model import search_text_of
from alora_core.shared.commands import Command
from alora_core.shared.errors import Conflict, Forbidden, Invalid, NotFound
from alora_core.shared.ids import new_id
from contexts.booking.catalog_harness import (
    ADMIN,
    AS_ADMIN,
    AS_CUSTOMER,
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


# --- creating ---------------------------------------------------------------------------------


async def test_create_cleans_the_fields_stores_records_and_audits(catalog: Catalog) -> None:
    service = await catalog.create(
        "  Deep   cleaning ",
        category=" Home-Cleaning ",
        description="  Kitchens, bathrooms\r\nand windows.\t ",
        icon="mdi:broom",
        color="#1e88e5",
    )
    stored = await catalog.stored(service.id)
    assert stored is not None
    assert (stored.title, stored.category, stored.description) == (
        "Deep cleaning", "home-cleaning", "Kitchens, bathrooms\nand windows."
    )  # fmt: skip
    assert (stored.icon, stored.color, stored.active) == ("mdi:broom", "#1E88E5", True)
    assert stored.created_at == stored.updated_at == START
    assert stored.deleted_at is None and stored.version == 1
    assert stored.search_text == "deep cleaning\nkitchens, bathrooms and windows."

    [created] = catalog.events(ServiceCreated)
    assert (created.service_id, created.title, created.category, created.active) == (
        service.id, "Deep cleaning", "home-cleaning", True
    )  # fmt: skip
    [entry] = await catalog.audit("service.create")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (
        ADMIN, "service", str(service.id)
    )  # fmt: skip


async def test_optional_fields_default(catalog: Catalog) -> None:
    service = await catalog.create("Gardening", category="garden", icon="  ", color="")
    assert (service.description, service.icon, service.color) == ("", None, None)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"title": "Two\nlines"}, "title"),
        ({"title": "Nul\x00"}, "title"),
        ({"description": "x" * 2001}, "description"),
        ({"description": "bell\x07"}, "description"),
        ({"category": "Home Cleaning"}, "category"),
        ({"category": "home--cleaning"}, "category"),
        ({"category": "-x"}, "category"),
        ({"category": ""}, "category"),
        ({"category": "x" * 41}, "category"),
        ({"category": "ménage"}, "category"),
        ({"icon": "not an icon"}, "icon"),
        ({"icon": "ftp://example.com/icon.png"}, "icon"),
        ({"icon": "javascript:alert(1)//x"}, "icon"),
        ({"icon": "https://"}, "icon"),
        ({"icon": "i" * 65}, "icon"),
        ({"icon": "https://example.com/" + "i" * 500}, "icon"),
        ({"color": "red"}, "color"),
        ({"color": "#12345"}, "color"),
        ({"color": "#GGGGGG"}, "color"),
        ({"color": "#1234567"}, "color"),
    ],
)
async def test_create_refuses_bad_fields(
    catalog: Catalog, fields: dict[str, Any], field: str
) -> None:
    values = {"title": "Plumbing", "category": "plumbing", **fields}
    with pytest.raises(Invalid) as caught:
        await catalog.handle(c.CreateService(actor=AS_ADMIN, service=c.NewService(**values)))
    assert fields_of(caught.value) == [field]
    assert (await catalog.list(viewer=AS_ADMIN)).total == 0


async def test_create_reports_every_bad_field_at_once(catalog: Catalog) -> None:
    with pytest.raises(Invalid) as caught:
        await catalog.create("", category="Bad Label", icon="a b", color="blue")
    assert fields_of(caught.value) == ["title", "category", "icon", "color"]


@pytest.mark.parametrize(
    "icon", ["wrench", "mdi:broom", "fa-solid_bolt", "https://cdn.example.com/i/w.svg"]
)
async def test_icons_are_names_or_web_links(catalog: Catalog, icon: str) -> None:
    assert (await catalog.create(icon=icon)).icon == icon


@pytest.mark.parametrize("title", ["plumbing", "PLUMBING", " Plumbing ", "pLuMbInG"])
async def test_titles_are_unique_ignoring_case(catalog: Catalog, title: str) -> None:
    await catalog.create("Plumbing")
    with pytest.raises(Conflict) as caught:
        await catalog.create(title)
    assert caught.value.field == "title"
    assert await catalog.titles() == ["Plumbing"]


async def test_unicode_titles_are_unique_ignoring_case(catalog: Catalog) -> None:
    await catalog.create("Électricité", category="electrical")
    with pytest.raises(Conflict):
        await catalog.create("ÉLECTRICITÉ", category="electrical")
    await catalog.create("Electricite", category="electrical")  # accents still differ


async def test_the_database_refuses_a_duplicate_title_the_checks_missed(catalog: Catalog) -> None:
    """What a race between two admins comes down to: both pass the check, one commit wins."""
    await catalog.add_directly("Painting")
    with pytest.raises(Conflict) as caught:
        await catalog.add_directly("PAINTING")
    assert caught.value.field == "title"
    assert await catalog.titles() == ["Painting"]


async def test_a_deleted_service_frees_its_title(catalog: Catalog) -> None:
    old = await catalog.create("Roofing")
    await catalog.delete(old.id)
    again = await catalog.create("roofing")
    assert again.id != old.id
    await catalog.delete(again.id)
    await catalog.add_directly("ROOFING")  # the database's index leaves deleted rows out too
    assert await catalog.titles() == ["ROOFING"]


@pytest.mark.parametrize(
    "command",
    [
        c.CreateService(actor=AS_CUSTOMER, service=new("Plumbing")),
        c.CreateServices(actor=AS_CUSTOMER, services=[new("Plumbing")]),
        c.UpdateService(actor=AS_CUSTOMER, service_id=new_id(), version=1),
        c.DeleteService(actor=AS_CUSTOMER, service_id=new_id()),
    ],
)
async def test_only_administrators_change_the_catalog(
    catalog: Catalog, command: Command[Any]
) -> None:
    with pytest.raises(Forbidden):
        await catalog.handle(command)


async def test_concurrent_creates_of_one_title_leave_one(catalog: Catalog) -> None:
    results = await asyncio.gather(
        *(catalog.create("plumbing" if i % 2 else "PLUMBING") for i in range(6)),
        return_exceptions=True,
    )
    created = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(created) == 1
    assert all(getattr(error, "field", None) == "title" for error in refused), refused
    assert len(await catalog.titles()) == 1


# --- creating many ----------------------------------------------------------------------------


async def test_bulk_creates_every_service_in_order(catalog: Catalog) -> None:
    services = await catalog.create_many(
        new("Window cleaning"), new("Carpet cleaning", active=False), new("Ironing", "laundry")
    )
    assert [s.title for s in services] == ["Window cleaning", "Carpet cleaning", "Ironing"]
    assert await catalog.titles(viewer=AS_ADMIN) == [
        "Carpet cleaning", "Ironing", "Window cleaning"
    ]  # fmt: skip
    assert len(catalog.events(ServiceCreated)) == 3
    entries = await catalog.audit("service.create")
    assert sorted(e.target_id for e in entries) == sorted(str(s.id) for s in services)
    assert {e.details["batch"] for e in entries} == {3}


async def test_bulk_is_all_or_nothing_and_lists_every_problem(catalog: Catalog) -> None:
    await catalog.create("Plumbing")
    with pytest.raises(Invalid) as caught:
        await catalog.create_many(
            new("PLUMBING"),  # taken by a live service
            new("Ironing", "laundry"),
            new("", "laundry", color="blue"),
            new("ironing", "laundry"),  # repeats items[1]
            new("Sewing", "Not A Slug"),
            new("Mending", "laundry"),
        )
    problems = {(p.field, p.code) for p in caught.value.errors}
    assert problems == {
        ("items[0].title", "taken"),
        ("items[2].title", "invalid"),
        ("items[2].color", "invalid"),
        ("items[3].title", "duplicate"),
        ("items[4].category", "invalid"),
    }
    assert caught.value.errors[0].field == "items[0].title"
    assert "items[1]" in next(p.message for p in caught.value.errors if p.code == "duplicate")
    assert await catalog.titles(viewer=AS_ADMIN) == ["Plumbing"]
    assert len(catalog.events(ServiceCreated)) == 1
    assert len(await catalog.audit("service.create")) == 1


@pytest.mark.parametrize("count", [0, c.MAX_BULK + 1])
async def test_bulk_takes_1_to_100_services(catalog: Catalog, count: int) -> None:
    with pytest.raises(Invalid) as caught:
        await catalog.create_many(*(new(f"Service {i}") for i in range(count)))
    assert fields_of(caught.value) == ["items"]


async def test_bulk_of_100(catalog: Catalog) -> None:
    services = await catalog.create_many(*(new(f"Service {i:03}") for i in range(c.MAX_BULK)))
    assert len(services) == (await catalog.list(page_size=1)).total == c.MAX_BULK


async def test_bulk_meets_the_database_index_too(catalog: Catalog) -> None:
    """A title committed between the check and the write still ends in a conflict."""
    await catalog.add_directly("Ironing", "Sewing")
    with pytest.raises(Conflict) as caught:
        await catalog.add_directly("Mending", "sewing")
    assert caught.value.field == "title"
    assert await catalog.titles() == ["Ironing", "Sewing"]


# --- changing ---------------------------------------------------------------------------------


async def test_update_changes_only_the_given_fields(catalog: Catalog) -> None:
    service = await catalog.create("Plumbing", description="Pipes", icon="wrench", color="#000000")
    catalog.clock.advance(timedelta(hours=1))
    updated = await catalog.update(service, 1, description="Pipes and drains", color=None)
    stored = await catalog.stored(service.id)
    assert stored is not None and stored == updated
    assert (stored.title, stored.description, stored.icon, stored.color) == (
        "Plumbing", "Pipes and drains", "wrench", None
    )  # fmt: skip
    assert stored.version == 2
    assert stored.updated_at == START + timedelta(hours=1) and stored.created_at == START
    assert stored.search_text == search_text_of("Plumbing", "Pipes and drains")
    [event] = catalog.events(ServiceUpdated)
    assert (event.service_id, event.fields) == (service.id, ["description", "color"])
    [entry] = await catalog.audit("service.update")
    assert entry.details["fields"] == ["description", "color"]


async def test_update_to_the_same_values_changes_nothing(catalog: Catalog) -> None:
    service = await catalog.create("Plumbing", color="#ABCDEF")
    same = await catalog.update(service, 1, title=" Plumbing", color="#abcdef")
    assert same.version == 1
    assert catalog.events(ServiceUpdated) == []
    assert await catalog.audit("service.update") == []


async def test_update_is_checked_against_the_version_read(catalog: Catalog) -> None:
    service = await catalog.create("Plumbing")
    await catalog.update(service, 1, active=False)
    with pytest.raises(Conflict) as caught:
        await catalog.update(service, 1, description="Lost update")
    assert caught.value.field == "version"
    stored = await catalog.stored(service.id)
    assert stored is not None and (stored.description, stored.version) == ("", 2)
    await catalog.update(service, 2, description="Now")


async def test_update_keeps_titles_unique(catalog: Catalog) -> None:
    await catalog.create("Plumbing")
    painting = await catalog.create("Painting", category="painting")
    with pytest.raises(Conflict) as caught:
        await catalog.update(painting, 1, title="plumbing")
    assert caught.value.field == "title"
    renamed = await catalog.update(painting, 1, title="PAINTING")  # its own title, recased
    assert renamed.title == "PAINTING"


async def test_update_refuses_bad_or_unknown_fields(catalog: Catalog) -> None:
    service = await catalog.create("Plumbing")
    with pytest.raises(Invalid) as caught:
        await catalog.update(service, 1, title="", active="yes", id=new_id(), category=None)
    assert sorted(fields_of(caught.value)) == ["active", "category", "id", "title"]


async def test_update_of_an_unknown_or_deleted_service_is_not_found(catalog: Catalog) -> None:
    with pytest.raises(NotFound):
        await catalog.update(new_id(), 1, title="Ghost")
    service = await catalog.create("Plumbing")
    await catalog.delete(service.id)
    with pytest.raises(NotFound):
        await catalog.update(service, 2, title="Ghost")


# --- deleting ---------------------------------------------------------------------------------


async def test_delete_hides_the_service_but_keeps_its_row(catalog: Catalog) -> None:
    service = await catalog.create("Plumbing")
    catalog.clock.advance(timedelta(minutes=5))
    await catalog.delete(service.id)
    assert await catalog.stored(service.id) is None
    with pytest.raises(NotFound):
        await catalog.get(service.id, admin=True)
    assert (await catalog.list(viewer=AS_ADMIN)).total == 0
    [event] = catalog.events(ServiceDeleted)
    assert event.service_id == service.id
    [entry] = await catalog.audit("service.delete")
    assert entry.target_id == str(service.id)
    async with catalog.uow_factory().reading() as uow:
        assert await uow.services.titles_in_use(["plumbing"]) == set()


async def test_delete_of_an_unknown_or_deleted_service_is_not_found(catalog: Catalog) -> None:
    with pytest.raises(NotFound):
        await catalog.delete(new_id())
    service = await catalog.create("Plumbing")
    await catalog.delete(service.id)
    with pytest.raises(NotFound):
        await catalog.delete(service.id)


@pytest.mark.parametrize("status", ["pending", "confirmed"])
async def test_delete_is_refused_while_open_bookings_use_the_service(
    catalog: Catalog, status: str
) -> None:
    service = await catalog.create("Plumbing")
    await catalog.add_booking(service.id, status)
    with pytest.raises(Conflict):
        await catalog.delete(service.id)
    assert await catalog.stored(service.id) is not None
    assert catalog.events(ServiceDeleted) == []


@pytest.mark.parametrize("status", ["rejected", "cancelled", "completed"])
async def test_closed_bookings_do_not_keep_a_service(catalog: Catalog, status: str) -> None:
    service = await catalog.create("Plumbing")
    other = await catalog.create("Painting", category="painting")
    await catalog.add_booking(service.id, status)
    await catalog.add_booking(other.id, "pending")  # another service's booking
    await catalog.delete(service.id)
    assert await catalog.stored(service.id) is None
