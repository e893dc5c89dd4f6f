"""``/api/v1/search`` and ``/api/v1/search/autocomplete``: ranked search and suggestions.

Services and professionals are made through their own routes (an administrator's catalog,
professionals' ``PUT /professionals/me/profile``); the in-memory app runs the indexing jobs
before each request returns. The odd-input and ranking tests also run on the real wiring
against SQLite (FTS5) and PostgreSQL (tsvector), with the jobs run inline.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from adapters.memory.hasher import FastPasswordHasher
from adapters.memory.mail import MemoryMailer
from alora_core.identity.commands import CreateAdmin
from alora_core.shared.clock import FixedClock
from entrypoints import bootstrap
from entrypoints.http.app import create_app
from support.http import (
    BASE_URL,
    PASSWORD,
    Api,
    assert_problem,
    bearer,
    make_settings,
    open_api,
)

SEARCH = "/api/v1/search"
SUGGEST = "/api/v1/search/autocomplete"
PROFILE = {
    "timezone": "Europe/Berlin",
    "categories": ["plumbing"],
    "skills": ["Soldering"],
    "bio": "Twenty years of pipes.",
    "hourlyRate": {"amount": 4500, "currency": "EUR"},
    "serviceArea": {"cities": ["Berlin"], "postalCodes": ["10115"]},
}
ITEM_KEYS = {"type", "id", "label", "summary", "categories", "hourlyRate", "rating"}
PAGE_KEYS = {"items", "total", "page", "pageSize", "pages"}
ODD_QUERIES = [
    '"',
    '"plumbing',
    "*",
    "plumb*",
    "AND",
    "OR NOT",
    "plumbing AND repair",
    "NEAR(plumbing repair, 2)",
    "-plumbing",
    "title:plumbing",
    ":*",
    "plumb\x00ing",
    "\x00",
    "!!!",
    "'; DROP TABLE search_documents; --",
    "plumbing & | ! <-> \\",
    "{name_text}: x",
    "💧",
    "a" * 200,
]


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for value in open_api(tmp_path):
        yield value


@pytest.fixture
async def sql_api(migrated_database_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    """The API on the real SQL wiring (``bootstrap.build``), jobs run before each request
    returns, so what a request changes is searchable by the next. The app's database
    connections live on the test client's event loop, so this test's loop never touches them:
    the administrator ``root`` is made beforehand by a composition of its own."""
    settings = make_settings(
        tmp_path, ALORA_DATABASE_URL=migrated_database_url, ALORA_LOG_LEVEL="warning"
    )
    setup = await bootstrap.build(settings, hasher=FastPasswordHasher())
    try:
        await setup.bus.handle(
            CreateAdmin(
                full_name="Root", username="root", email="root@example.com", password=PASSWORD
            )
        )
    finally:
        await setup.aclose()
    clock = FixedClock()
    alora = await bootstrap.build(
        settings, clock=clock, hasher=FastPasswordHasher(), mailer=MemoryMailer(), inline_jobs=True
    )
    try:
        app = create_app(settings, alora=alora)
        async with AsyncTestClient(app, base_url=BASE_URL) as client:
            yield Api(client=client, alora=alora, clock=clock, settings=settings)
    finally:
        await alora.aclose()


async def professional(api: Api, username: str, **profile: Any) -> tuple[str, str]:
    """A signed-in professional with a profile (``PROFILE`` with ``profile`` over it)."""
    full_name = profile.pop("full_name", username.title())
    user, token = await api.user(username, role="professional", full_name=full_name)
    response = await api.client.put(
        "/api/v1/professionals/me/profile", json={**PROFILE, **profile}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    return user["id"], token


async def service(api: Api, admin: str, title: str, **fields: Any) -> dict[str, Any]:
    response = await api.client.post(
        "/api/v1/services",
        json={"title": title, "category": "plumbing", **fields},
        headers=bearer(admin),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def search(api: Api, token: str | None = None, **params: Any) -> dict[str, Any]:
    headers = bearer(token) if token else {}
    response = await api.client.get(SEARCH, params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def labels(api: Api, token: str | None = None, **params: Any) -> list[str]:
    return [item["label"] for item in (await search(api, token, **params))["items"]]


async def suggest(api: Api, q: str, token: str | None = None) -> list[dict[str, Any]]:
    headers = bearer(token) if token else {}
    response = await api.client.get(SUGGEST, params={"q": q}, headers=headers)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"items"}
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def catalog(api: Api, admin: str | None = None) -> tuple[str, str, str]:
    """An administrator's token, a professional's id and a service's id."""
    if admin is None:
        _, admin = await api.admin()
    await service(api, admin, "Leak detection", description="Before your plumbing bursts.")
    taps = await service(api, admin, "Plumbing repair", description="Taps and drains.")
    pro, _ = await professional(api, "ana", full_name="Ana Électricienne", bio="Plumbing too.")
    return admin, pro, taps["id"]


# --- search ------------------------------------------------------------------------------------


async def test_search_ranks_titles_above_descriptions_and_mixes_kinds(api: Api) -> None:
    _, pro, taps = await catalog(api)

    body = await search(api, q="plumbing")
    assert set(body) == PAGE_KEYS
    assert (body["total"], body["page"], body["pageSize"], body["pages"]) == (3, 1, 20, 1)
    assert body["items"][0]["label"] == "Plumbing repair"
    assert {item["label"] for item in body["items"][1:]} == {"Leak detection", "Ana Électricienne"}
    first = body["items"][0]
    assert set(first) == ITEM_KEYS
    assert first == {
        "type": "service",
        "id": taps,
        "label": "Plumbing repair",
        "summary": "Taps and drains.",
        "categories": ["plumbing"],
        "hourlyRate": None,
        "rating": None,
    }
    [ana] = (await search(api, q="electricienne"))["items"]
    assert ana == {
        "type": "professional",
        "id": pro,
        "label": "Ana Électricienne",
        "summary": "Plumbing too.",
        "categories": ["plumbing"],
        "hourlyRate": {"amount": 4500, "currency": "EUR"},
        "rating": None,
    }
    assert await labels(api, q="plumbing", type="services") == [
        "Plumbing repair",
        "Leak detection",
    ]
    assert await labels(api, q="PLUMB", type="professionals") == ["Ana Électricienne"]


async def test_filters_sorts_and_pages(api: Api) -> None:
    _, admin = await api.admin()
    await professional(api, "cheap", hourlyRate={"amount": 2000, "currency": "EUR"})
    await professional(api, "dear", hourlyRate={"amount": 9000, "currency": "EUR"})
    await professional(api, "painter", categories=["painting"], skills=["walls"])
    await service(api, admin, "Boiler service", category="heating")

    assert await labels(api, minRate=3000, maxRate=5000, sort="rate") == ["Painter"]
    assert await labels(api, maxRate=5000, sort="rate") == ["Cheap", "Painter"]
    assert await labels(api, sort="rate", type="professionals") == ["Cheap", "Painter", "Dear"]
    assert await labels(api, category="HEATING") == ["Boiler service"]
    assert await labels(api, category="painting", q="walls") == ["Painter"]
    assert await labels(api, sort="rating", type="professionals") == ["Cheap", "Dear", "Painter"]
    page = await search(api, type="professionals", sort="rate", page=2, pageSize=2)
    assert ([item["label"] for item in page["items"]], page["total"], page["pages"]) == (
        ["Dear"],
        3,
        2,
    )


async def test_only_what_is_public_is_found(api: Api) -> None:
    admin, pro, taps = await catalog(api)
    rita, rita_token = await professional(api, "rita", full_name="Rita Registered")
    response = await api.client.put(
        "/api/v1/users/me/settings",
        json={"profileVisibility": "registered"},
        headers=bearer(rita_token),
    )
    assert response.status_code == 200, response.text
    _, customer = await api.user("cora")

    assert await labels(api, q="rita") == []
    assert await labels(api, customer, q="rita") == ["Rita Registered"]
    assert [s["id"] for s in await suggest(api, "rita", customer)] == [rita]
    assert await suggest(api, "rita") == []

    response = await api.client.post(
        f"/api/v1/admin/users/{pro}/suspend", json={"reason": "spam"}, headers=bearer(admin)
    )
    assert response.status_code in (200, 204), response.text
    assert await labels(api, q="electricienne") == []

    version = (await api.client.get(f"/api/v1/services/{taps}")).json()["version"]
    response = await api.client.patch(
        f"/api/v1/services/{taps}",
        json={"version": version, "active": False},
        headers=bearer(admin),
    )
    assert response.status_code == 200, response.text
    assert await labels(api, q="plumbing") == ["Leak detection"]


async def test_changes_and_deletions_reach_search(api: Api) -> None:
    _, admin = await api.admin()
    taps = await service(api, admin, "Taps", description="Dripping taps.")
    response = await api.client.patch(
        f"/api/v1/services/{taps['id']}",
        json={"version": taps["version"], "title": "Mixer taps"},
        headers=bearer(admin),
    )
    assert response.status_code == 200, response.text
    assert await labels(api, q="mixer") == ["Mixer taps"]

    response = await api.client.delete(f"/api/v1/services/{taps['id']}", headers=bearer(admin))
    assert response.status_code == 204, response.text
    assert await labels(api, q="taps") == []
    assert await suggest(api, "mixer") == []


async def test_a_bad_token_is_refused_rather_than_ignored(api: Api) -> None:
    response = await api.client.get(SEARCH, params={"q": "x"}, headers=bearer("not-a-token"))
    assert_problem(response, 401)


# --- autocomplete --------------------------------------------------------------------------------


async def test_autocomplete_suggests_up_to_five_names_and_titles(api: Api) -> None:
    _, admin = await api.admin()
    for number in range(6):
        await service(api, admin, f"Plumbing {number}")
    pro, _ = await professional(api, "paula", full_name="Paula Plumber", bio="Plenty.")

    found = await suggest(api, "  plu ")
    assert len(found) == 5
    assert all(set(item) == {"type", "id", "label"} for item in found)
    assert await suggest(api, "paula plu") == [
        {"type": "professional", "id": pro, "label": "Paula Plumber"}
    ]
    assert await suggest(api, "plenty") == []


@pytest.mark.parametrize("q", ["", " ", "a", " a ", "\x00"])
async def test_autocomplete_needs_two_characters(api: Api, q: str) -> None:
    response = await api.client.get(SUGGEST, params={"q": q})
    assert_problem(response, 422, "q")


async def test_autocomplete_refuses_missing_and_long_text(api: Api) -> None:
    assert_problem(await api.client.get(SUGGEST), 422, "q")
    assert_problem(await api.client.get(SUGGEST, params={"q": "a" * 201}), 422, "q")


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "a" * 201}, "q"),
        ({"type": "people"}, "type"),
        ({"type": "professional"}, "type"),
        ({"sort": "newest"}, "sort"),
        ({"minRate": "-1"}, "minRate"),
        ({"minRate": "cheap"}, "minRate"),
        ({"maxRate": str(10**13)}, "maxRate"),
        ({"maxRate": "1" * 40}, "maxRate"),
        ({"minRate": "500", "maxRate": "499"}, "maxRate"),
        ({"category": "x" * 101}, "category"),
        ({"page": "0"}, "page"),
        ({"pageSize": "101"}, "pageSize"),
    ],
)
async def test_bad_parameters_are_422_naming_the_field(
    api: Api, params: dict[str, str], field: str
) -> None:
    assert_problem(await api.client.get(SEARCH, params=params), 422, field)


@pytest.mark.parametrize("q", ODD_QUERIES)
async def test_odd_search_text_answers_a_list(api: Api, q: str) -> None:
    await catalog(api)
    body = await search(api, q=q)
    assert isinstance(body["items"], list) and body["total"] == len(body["items"])
    if len(q.strip()) >= 2:
        await suggest(api, q)


# --- on SQLite and PostgreSQL --------------------------------------------------------------------


async def test_search_on_the_database(sql_api: Api) -> None:
    root = await sql_api.login("root")
    _, pro, taps = await catalog(sql_api, root["accessToken"])

    assert (await labels(sql_api, q="plumbing"))[0] == "Plumbing repair"
    assert await labels(sql_api, q="ÉLECTRICIENNE") == ["Ana Électricienne"]
    assert [s["id"] for s in await suggest(sql_api, "ana ele")] == [pro]
    assert await labels(sql_api, q="drains", type="services") == ["Plumbing repair"]
    assert await labels(sql_api, minRate=4500, maxRate=4500) == ["Ana Électricienne"]
    for q in ODD_QUERIES:
        body = await search(sql_api, q=q)
        assert body["total"] == len(body["items"]), q
        if len(q.strip()) >= 2:
            await suggest(sql_api, q)
    assert taps  # indexed through the catalog's event, like the professional
