"""``/api/v1/services``: the public catalog, its administration, permissions and bad input."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from alora_core.booking.bookings.model import Booking, BookingStatus
from support.builders import add_user
from support.http import UNKNOWN_ID, Api, assert_problem, bearer, open_api

BASE = "/api/v1/services"
KEYS = {
    "id", "title", "description", "category", "icon", "color", "active", "createdAt",
    "updatedAt", "version",
}  # fmt: skip


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for value in open_api(tmp_path):
        yield value


@pytest.fixture
async def admin(api: Api) -> dict[str, str]:
    _, token = await api.admin()
    return bearer(token)


@pytest.fixture
async def customer(api: Api) -> dict[str, str]:
    _, token = await api.user("carla")
    return bearer(token)


def service(title: str, category: str = "cleaning", **fields: Any) -> dict[str, Any]:
    return {"title": title, "category": category, **fields}


async def create(api: Api, admin: dict[str, str], title: str, **fields: Any) -> dict[str, Any]:
    fields.setdefault("category", "cleaning")
    response = await api.client.post(BASE, json={"title": title, **fields}, headers=admin)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def listing(api: Api, query: str = "", headers: dict[str, str] | None = None) -> Any:
    response = await api.client.get(BASE + query, headers=headers or {})
    assert response.status_code == 200, response.text
    return response.json()


async def titles(api: Api, query: str = "", headers: dict[str, str] | None = None) -> list[str]:
    return [item["title"] for item in (await listing(api, query, headers))["items"]]


# --- reading ------------------------------------------------------------------------------------


async def test_anyone_lists_active_services_in_numbered_pages(
    api: Api, admin: dict[str, str]
) -> None:
    for title in ["Window cleaning", "carpet cleaning", "Ironing", "Dusting", "Mopping"]:
        await create(api, admin, title)
    await create(api, admin, "Hidden", active=False)

    first = await listing(api, "?page=1&pageSize=2")
    assert [item["title"] for item in first["items"]] == ["carpet cleaning", "Dusting"]
    assert {k: first[k] for k in ("total", "page", "pageSize", "pages")} == {
        "total": 5, "page": 1, "pageSize": 2, "pages": 3
    }  # fmt: skip
    assert set(first["items"][0]) == KEYS
    last = await listing(api, "?page=3&pageSize=2")
    assert [item["title"] for item in last["items"]] == ["Window cleaning"]
    assert (await listing(api, "?page=9"))["items"] == []
    default = await listing(api)
    assert (default["pageSize"], default["total"]) == (20, 5)


async def test_lists_filter_by_category_and_text(api: Api, admin: dict[str, str]) -> None:
    await create(api, admin, "Électricité générale", category="electrical",
                 description="Sockets and lights")  # fmt: skip
    await create(api, admin, "Plumbing", category="plumbing", description="Plomberie")
    await create(api, admin, "Boiler repair", category="plumbing")
    assert await titles(api, "?category=plumbing") == ["Boiler repair", "Plumbing"]
    assert await titles(api, "?q=ELECTRICITE") == ["Électricité générale"]
    assert await titles(api, "?q=plomb") == ["Plumbing"]
    assert await titles(api, "?q=%C3%A9lectricit%C3%A9") == ["Électricité générale"]
    assert await titles(api, "?q=lights&category=electrical") == ["Électricité générale"]
    assert await titles(api, "?q=lights&category=plumbing") == []
    assert await titles(api, "?q=%25") == []  # a literal %, not a wildcard


async def test_administrators_also_see_inactive_services(
    api: Api, admin: dict[str, str], customer: dict[str, str]
) -> None:
    await create(api, admin, "Shown")
    await create(api, admin, "Hidden", active=False)
    assert await titles(api, headers=customer) == ["Shown"]
    assert await titles(api, "?active=true") == ["Shown"]
    assert await titles(api, headers=admin) == ["Hidden", "Shown"]
    assert await titles(api, "?active=false", headers=admin) == ["Hidden"]
    assert await titles(api, "?active=true", headers=admin) == ["Shown"]
    assert_problem(await api.client.get(f"{BASE}?active=false"), 403)
    assert_problem(await api.client.get(f"{BASE}?active=false", headers=customer), 403)


async def test_get_one_service(api: Api, admin: dict[str, str], customer: dict[str, str]) -> None:
    shown = await create(api, admin, "Shown", icon="wrench", color="#1e88e5")
    hidden = await create(api, admin, "Hidden", active=False)
    response = await api.client.get(f"{BASE}/{shown['id']}")
    assert response.status_code == 200
    assert response.json() == shown
    assert (shown["color"], shown["version"], shown["createdAt"]) == (
        "#1E88E5", 1, "2030-01-01T12:00:00Z"
    )  # fmt: skip
    assert_problem(await api.client.get(f"{BASE}/{hidden['id']}"), 404)
    assert_problem(await api.client.get(f"{BASE}/{hidden['id']}", headers=customer), 404)
    assert (await api.client.get(f"{BASE}/{hidden['id']}", headers=admin)).json() == hidden


@pytest.mark.parametrize("service_id", [UNKNOWN_ID, "not-a-uuid", "1", "%00"])
async def test_unknown_or_malformed_ids_are_404(api: Api, service_id: str) -> None:
    assert_problem(await api.client.get(f"{BASE}/{service_id}"), 404)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?page=0", "page"),
        ("?page=abc", "page"),
        ("?pageSize=0", "pageSize"),
        ("?pageSize=101", "pageSize"),
        ("?q=" + "x" * 101, "q"),
        ("?q=%00", "q"),
        ("?category=not%20a%20label", "category"),
        ("?category=" + "x" * 41, "category"),
        ("?active=maybe", "active"),
    ],
)
async def test_bad_list_parameters_are_422(api: Api, query: str, field: str) -> None:
    assert_problem(await api.client.get(BASE + query), 422, field)


async def test_a_bad_token_is_401_even_on_public_routes(api: Api) -> None:
    headers = {"Authorization": "Bearer not.a.token"}
    assert_problem(await api.client.get(BASE, headers=headers), 401)
    assert_problem(await api.client.get(f"{BASE}/{uuid.uuid4()}", headers=headers), 401)


async def test_anonymous_pages_are_answered_from_their_bytes_until_a_write(
    api: Api, admin: dict[str, str], customer: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    await create(api, admin, "Ironing")
    first = await api.client.get(BASE + "?pageSize=5")
    assert first.status_code == 200
    assert first.headers["content-type"] == "application/json"
    signed_in = await api.client.get(BASE + "?pageSize=5", headers=customer)
    assert first.content == signed_in.content  # the same bytes as the encoded schema
    handle = api.alora.bus.handle

    async def unreachable(command: Any) -> Any:
        raise AssertionError(f"{type(command).__name__} went to the bus")

    monkeypatch.setattr(api.alora.bus, "handle", unreachable)
    again = await api.client.get(BASE + "?pageSize=5")
    assert (again.status_code, again.content) == (200, first.content)
    assert_problem(await api.client.get(BASE + "?pageSize=0"), 422, "pageSize")
    monkeypatch.setattr(api.alora.bus, "handle", handle)
    await create(api, admin, "Dusting")  # a write through this process clears the pages
    assert await titles(api, "?pageSize=5") == ["Dusting", "Ironing"]


async def test_a_kept_page_is_answered_with_the_headers_of_a_fresh_one(
    api: Api, admin: dict[str, str]
) -> None:
    await create(api, admin, "Ironing")
    fresh = await api.client.get(BASE + "?pageSize=3")
    kept = await api.client.get(BASE + "?pageSize=3")  # answered before routing
    assert (kept.status_code, kept.content) == (200, fresh.content)

    def shown(response: Any) -> dict[str, str]:
        return {k: v for k, v in response.headers.items() if k != "x-request-id"}

    assert shown(kept) == shown(fresh)
    assert kept.headers["x-request-id"] != fresh.headers["x-request-id"]
    cross_site = await api.client.get(BASE + "?pageSize=3", headers={"Origin": "https://x.test"})
    assert (cross_site.status_code, cross_site.content) == (200, fresh.content)
    with_cookie = await api.client.get(BASE + "?pageSize=3", headers={"Cookie": "alora_access=bad"})
    assert_problem(with_cookie, 401)  # credentials are never answered from the kept bytes


# --- creating -----------------------------------------------------------------------------------


async def test_an_administrator_creates_a_service(api: Api, admin: dict[str, str]) -> None:
    response = await api.client.post(
        BASE,
        json=service("  Deep  cleaning ", "Home-Cleaning", description="Kitchens\nand baths",
                     icon="https://cdn.example.com/broom.svg", color="#abcdef"),
        headers=admin,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == KEYS
    assert {k: body[k] for k in ("title", "category", "description", "icon", "color")} == {
        "title": "Deep cleaning",
        "category": "home-cleaning",
        "description": "Kitchens\nand baths",
        "icon": "https://cdn.example.com/broom.svg",
        "color": "#ABCDEF",
    }
    assert (body["active"], body["version"]) == (True, 1)
    audit = await api.client.get("/api/v1/admin/audit-log?action=service.create", headers=admin)
    [entry] = audit.json()["items"]
    assert entry["targetId"] == body["id"]


async def test_titles_are_unique_ignoring_case(api: Api, admin: dict[str, str]) -> None:
    await create(api, admin, "Plumbing")
    response = await api.client.post(BASE, json=service("PLUMBING"), headers=admin)
    body = assert_problem(response, 409, "title")
    assert body["type"].endswith("/conflict")


async def test_writes_need_a_token_and_an_administrator(
    api: Api, admin: dict[str, str], customer: dict[str, str]
) -> None:
    existing = await create(api, admin, "Plumbing")
    professional = bearer((await api.user("pete", role="professional"))[1])
    item = f"{BASE}/{existing['id']}"
    writes = [
        ("POST", BASE, service("Painting")),
        ("POST", f"{BASE}/bulk", {"items": [service("Painting")]}),
        ("PATCH", item, {"version": 1, "title": "Painting"}),
        ("DELETE", item, None),
    ]
    for method, url, body in writes:
        assert_problem(await api.client.request(method, url, json=body), 401)
        for headers in (customer, professional):
            response = await api.client.request(method, url, json=body, headers=headers)
            assert_problem(response, 403)
    assert await titles(api, headers=admin) == ["Plumbing"]


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        (service(""), "title", "invalid"),
        (service("x" * 121), "title", "invalid"),
        (service("a\nb"), "title", "invalid"),
        (service("a\x00b"), "title", "invalid"),
        (service("x" * 1001), "title", None),
        (service("Ok", "Not A Label"), "category", "invalid"),
        (service("Ok", icon="no spaces please"), "icon", "invalid"),
        (service("Ok", color="red"), "color", "invalid"),
        (service("Ok", description="x" * 2001), "description", "invalid"),
        (service("Ok", description="x" * 10_001), "description", None),
        (service("Ok", active="yes"), "active", "type"),
        (service(5), "title", "type"),
        (service("Ok", icon=["a"]), "icon", "type"),
        ({"category": "cleaning"}, "title", "required"),
        ({"title": "Ok"}, "category", "required"),
        (service("Ok", id=UNKNOWN_ID), "id", "unknown-field"),
        (service("Ok", version=3), "version", "unknown-field"),
        ([service("Ok")], "", "type"),
    ],
)
async def test_bad_fields_are_422_naming_them(
    api: Api, admin: dict[str, str], body: Any, field: str, code: str | None
) -> None:
    problem = assert_problem(await api.client.post(BASE, json=body, headers=admin), 422, field)
    if code is not None:
        assert code in {error["code"] for error in problem["errors"]}
    assert (await listing(api, headers=admin))["total"] == 0


@pytest.mark.parametrize("content", [b"{bad", b'{"title": ', b"\xff\xfe", b"nul"])
async def test_malformed_json_is_400(api: Api, admin: dict[str, str], content: bytes) -> None:
    for url in (BASE, f"{BASE}/bulk"):
        response = await api.client.post(
            url, content=content, headers={**admin, "Content-Type": "application/json"}
        )
        assert_problem(response, 400)


async def test_a_missing_body_is_400_and_a_huge_one_413(api: Api, admin: dict[str, str]) -> None:
    assert_problem(await api.client.post(BASE, headers=admin), 400)
    huge = service("x" * 2_000_000)
    assert_problem(await api.client.post(BASE, json=huge, headers=admin), 413)


# --- creating many ------------------------------------------------------------------------------


async def test_bulk_creates_every_service(api: Api, admin: dict[str, str]) -> None:
    items = [service("Ironing", "laundry"), service("Dusting"), service("Sewing", active=False)]
    response = await api.client.post(f"{BASE}/bulk", json={"items": items}, headers=admin)
    assert response.status_code == 201, response.text
    created = response.json()["items"]
    assert [item["title"] for item in created] == ["Ironing", "Dusting", "Sewing"]
    assert all(set(item) == KEYS for item in created)
    assert await titles(api, headers=admin) == ["Dusting", "Ironing", "Sewing"]


async def test_bulk_is_all_or_nothing_with_per_item_errors(api: Api, admin: dict[str, str]) -> None:
    await create(api, admin, "Plumbing")
    items = [
        service("Ironing"),
        service("plumbing"),
        service("Sewing", color="#12"),
        service("IRONING"),
        service("Mending", "Bad Label"),
        service("Dusting"),
    ]
    response = await api.client.post(f"{BASE}/bulk", json={"items": items}, headers=admin)
    problem = assert_problem(response, 422)
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [
        ("items[1].title", "taken"),
        ("items[2].color", "invalid"),
        ("items[3].title", "duplicate"),
        ("items[4].category", "invalid"),
    ]
    assert await titles(api, headers=admin) == ["Plumbing"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"items": []}, "items"),
        ({"items": [service(f"S{i}") for i in range(101)]}, "items"),
        ({}, "items"),
        ({"items": service("Ok")}, "items"),
        ({"items": [service("Ok"), {"title": "No category"}]}, "items[1].category"),
        ({"items": [service("Ok"), service("Ok", colour="#000000")]}, "items[1].colour"),
        ({"items": [service("Ok")], "dryRun": True}, "dryRun"),
    ],
)
async def test_bad_bulk_bodies_are_422(
    api: Api, admin: dict[str, str], body: Any, field: str
) -> None:
    assert_problem(await api.client.post(f"{BASE}/bulk", json=body, headers=admin), 422, field)
    assert (await listing(api, headers=admin))["total"] == 0


# --- changing -----------------------------------------------------------------------------------


async def test_patch_changes_the_given_fields_at_the_version_read(
    api: Api, admin: dict[str, str]
) -> None:
    created = await create(api, admin, "Plumbing", icon="wrench", color="#000000")
    url = f"{BASE}/{created['id']}"
    api.clock.advance(timedelta(minutes=5))
    response = await api.client.patch(
        url, json={"version": 1, "description": "Pipes", "icon": None}, headers=admin
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["description"], body["icon"], body["color"], body["version"]) == (
        "Pipes", None, "#000000", 2
    )  # fmt: skip
    assert body["updatedAt"] == "2030-01-01T12:05:00Z" != body["createdAt"]
    stale = await api.client.patch(url, json={"version": 1, "title": "Late"}, headers=admin)
    assert_problem(stale, 409, "version")
    assert (await api.client.get(url)).json() == body
    audit = await api.client.get("/api/v1/admin/audit-log?action=service.update", headers=admin)
    assert audit.json()["total"] == 1


async def test_patch_refuses_a_taken_title_and_bad_input(api: Api, admin: dict[str, str]) -> None:
    await create(api, admin, "Plumbing")
    painting = await create(api, admin, "Painting")
    url = f"{BASE}/{painting['id']}"
    taken = await api.client.patch(url, json={"version": 1, "title": "plumbing"}, headers=admin)
    assert_problem(taken, 409, "title")
    for body, field in [
        ({"title": "No version"}, "version"),
        ({"version": 0}, "version"),
        ({"version": 1.5}, "version"),
        ({"version": 2**40}, "version"),
        ({"version": 1, "title": ""}, "title"),
        ({"version": 1, "category": None}, "category"),
        ({"version": 1, "deletedAt": None}, "deletedAt"),
    ]:
        assert_problem(await api.client.patch(url, json=body, headers=admin), 422, field)
    assert (await api.client.get(url)).json() == painting


@pytest.mark.parametrize("service_id", [UNKNOWN_ID, "nope"])
async def test_patch_of_an_unknown_service_is_404(
    api: Api, admin: dict[str, str], service_id: str
) -> None:
    response = await api.client.patch(
        f"{BASE}/{service_id}", json={"version": 1, "title": "Ghost"}, headers=admin
    )
    assert_problem(response, 404)


# --- deleting -----------------------------------------------------------------------------------


async def test_delete_hides_the_service(api: Api, admin: dict[str, str]) -> None:
    created = await create(api, admin, "Plumbing")
    url = f"{BASE}/{created['id']}"
    response = await api.client.delete(url, headers=admin)
    assert response.status_code == 204 and not response.content
    assert_problem(await api.client.get(url, headers=admin), 404)
    assert_problem(await api.client.delete(url, headers=admin), 404)
    assert_problem(await api.client.patch(url, json={"version": 2}, headers=admin), 404)
    assert (await listing(api, headers=admin))["total"] == 0
    await create(api, admin, "PLUMBING")  # its title is free again
    audit = await api.client.get("/api/v1/admin/audit-log?action=service.delete", headers=admin)
    assert [entry["targetId"] for entry in audit.json()["items"]] == [created["id"]]


@pytest.mark.parametrize("service_id", [UNKNOWN_ID, "nope"])
async def test_delete_of_an_unknown_service_is_404(
    api: Api, admin: dict[str, str], service_id: str
) -> None:
    assert_problem(await api.client.delete(f"{BASE}/{service_id}", headers=admin), 404)


async def _add_booking(api: Api, service_id: str, status: BookingStatus) -> None:
    """A booking of the service in ``status``, stored as the bookings part stores one."""
    customer = await add_user(api.alora, "carla", unique=True)
    start = api.clock.now() + timedelta(days=2)
    booking = Booking(
        customer_id=customer.id,
        professional_id=customer.id,
        service_id=uuid.UUID(service_id),
        status=status,
        start=start,
        end=start + timedelta(hours=1),
        blocked_until=start + timedelta(hours=1),
        address="Main Street 1",
        notes="",
        price=None,
        created_at=api.clock.now(),
        updated_at=api.clock.now(),
    )
    async with api.alora.units_of_work["booking"]() as uow:
        await uow.bookings.add(booking)
        await uow.commit()


@pytest.mark.parametrize("status", [BookingStatus.PENDING, BookingStatus.CONFIRMED])
async def test_delete_is_refused_while_open_bookings_use_the_service(
    api: Api, admin: dict[str, str], status: BookingStatus
) -> None:
    created = await create(api, admin, "Plumbing")
    await _add_booking(api, created["id"], BookingStatus.COMPLETED)
    await _add_booking(api, created["id"], status)
    url = f"{BASE}/{created['id']}"
    problem = assert_problem(await api.client.delete(url, headers=admin), 409)
    assert "open bookings" in problem["detail"]
    assert (await api.client.get(url)).status_code == 200
    # Deactivating it is allowed meanwhile.
    response = await api.client.patch(url, json={"version": 1, "active": False}, headers=admin)
    assert response.status_code == 200
