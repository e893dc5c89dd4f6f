"""The services catalog's use cases, driven through a message bus of their own.

The same tests run in memory (tests/unit) and against SQLite and PostgreSQL
(tests/integration): each importing module provides the ``uow_factory`` fixture, and the
``add_booking`` fixture, ``async (service_id, status) -> None``, which stores a booking of the
service in the given status the way that backend holds bookings.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from attrs import define

from alora_core.booking.catalog import commands as c
from alora_core.booking.catalog.events import ServiceCreated, ServiceDeleted, ServiceUpdated
from alora_core.booking.catalog.model import Service, search_text_of
from alora_core.booking.catalog.queries import ServiceView
from alora_core.booking.catalog.use_cases import LIST_CACHE_TTL, command_handlers
from alora_core.shared.actor import Actor, Role
from alora_core.shared.audit import AuditEntry
from alora_core.shared.cache import PageCache
from alora_core.shared.clock import FixedClock
from alora_core.shared.errors import Conflict, Forbidden, Invalid, NotFound
from alora_core.shared.events import DomainEvent
from alora_core.shared.ids import new_id
from alora_core.shared.messagebus import MessageBus
from alora_core.shared.pagination import Page, PageRequest

START = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
ADMIN = uuid.UUID("00000000-0000-7000-8000-000000000001")
CUSTOMER = uuid.UUID("00000000-0000-7000-8000-000000000002")
AS_ADMIN = Actor(user_id=ADMIN, role=Role.ADMIN)
AS_CUSTOMER = Actor(user_id=CUSTOMER, role=Role.CUSTOMER)

AddBooking = Callable[[uuid.UUID, str], Awaitable[None]]


@define
class Catalog:
    uow_factory: Callable[[], Any]
    clock: FixedClock
    bus: MessageBus
    committed: list[DomainEvent]

    async def handle(self, command: object) -> Any:
        return await self.bus.handle(command)

    async def create(self, title: str = "Plumbing", **fields: Any) -> Service:
        fields.setdefault("category", "plumbing")
        command = c.CreateService(actor=AS_ADMIN, service=c.NewService(title=title, **fields))
        service: Service = await self.handle(command)
        return service

    async def create_many(self, *items: c.NewService) -> list[Service]:
        services: list[Service] = await self.handle(
            c.CreateServices(actor=AS_ADMIN, services=items)
        )
        return services

    async def update(self, service: Service | uuid.UUID, version: int, **changes: Any) -> Service:
        service_id = service if isinstance(service, uuid.UUID) else service.id
        updated: Service = await self.handle(
            c.UpdateService(
                actor=AS_ADMIN,
                service_id=service_id,
                version=version,
                changes=changes,
            )
        )
        return updated

    async def delete(self, service_id: uuid.UUID) -> None:
        await self.handle(c.DeleteService(actor=AS_ADMIN, service_id=service_id))

    async def add_directly(self, *titles: str) -> None:
        """Store services in one transaction past the use cases' checks, as a racing writer's
        commit meets the database."""
        async with self.uow_factory() as uow:
            for title in titles:
                await uow.services.add(Service.create({"title": title, "category": "misc"}, START))
            await uow.commit()

    async def list(self, **query: Any) -> Page[ServiceView]:
        page: Page[ServiceView] = await self.handle(c.ListServices(**query))
        return page

    async def titles(self, **query: Any) -> list[str]:
        query.setdefault("page_size", 100)
        return [item.title for item in (await self.list(**query)).items]

    async def get(self, service_id: uuid.UUID, *, admin: bool = False) -> ServiceView:
        view: ServiceView = await self.handle(
            c.GetService(service_id=service_id, viewer=AS_ADMIN if admin else Actor.anonymous())
        )
        return view

    async def stored(self, service_id: uuid.UUID) -> Service | None:
        async with self.uow_factory().reading() as uow:
            service: Service | None = await uow.services.get(service_id)
            return service

    async def audit(self, action: str) -> list[AuditEntry]:
        async with self.uow_factory().reading() as uow:
            page = await uow.audit_log.list(PageRequest(1, 100), action=action)
        return list(page.items)

    def events(self, kind: type[DomainEvent]) -> list[Any]:
        return [event for event in self.committed if isinstance(event, kind)]


@pytest.fixture
def catalog(uow_factory: Callable[[], Any]) -> Catalog:
    clock = FixedClock(START)
    committed: list[DomainEvent] = []

    async def on_events(events: list[DomainEvent]) -> None:
        committed.extend(events)

    bus = MessageBus(uow_factory, command_handlers(clock=clock), on_events=on_events)
    return Catalog(uow_factory, clock, bus, committed)


def new(title: str, category: str = "cleaning", **fields: Any) -> c.NewService:
    return c.NewService(title=title, category=category, **fields)


def fields_of(error: Invalid) -> list[str]:
    return [problem.field for problem in error.errors]


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
async def test_only_administrators_change_the_catalog(catalog: Catalog, command: object) -> None:
    with pytest.raises(Forbidden):
        await catalog.handle(command)


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
    catalog: Catalog, add_booking: AddBooking, status: str
) -> None:
    service = await catalog.create("Plumbing")
    await add_booking(service.id, status)
    with pytest.raises(Conflict):
        await catalog.delete(service.id)
    assert await catalog.stored(service.id) is not None
    assert catalog.events(ServiceDeleted) == []


@pytest.mark.parametrize("status", ["rejected", "cancelled", "completed"])
async def test_closed_bookings_do_not_keep_a_service(
    catalog: Catalog, add_booking: AddBooking, status: str
) -> None:
    service = await catalog.create("Plumbing")
    other = await catalog.create("Painting", category="painting")
    await add_booking(service.id, status)
    await add_booking(other.id, "pending")  # another service's booking
    await catalog.delete(service.id)
    assert await catalog.stored(service.id) is None


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
    other = MessageBus(catalog.uow_factory, command_handlers(clock=catalog.clock))
    await catalog.create("Plumbing")

    async def titles_there(**query: Any) -> list[str]:
        page = await other.handle(c.ListServices(**query))
        return [item.title for item in page.items]

    assert await titles_there() == ["Plumbing"]
    await catalog.create("Painting", category="painting")
    assert await titles_there() == ["Plumbing"]  # its page is still fresh enough
    assert await titles_there(viewer=AS_ADMIN) == ["Painting", "Plumbing"]
    catalog.clock.advance(LIST_CACHE_TTL)
    assert await titles_there() == ["Painting", "Plumbing"]


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
