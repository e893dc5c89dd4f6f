"""Favorites over HTTP, on the in-memory wiring: keeping, listing and forgetting professionals;
bad input, sign-in and per-user isolation on every route."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from contexts.booking.http_market import Market, User, open_market
from support.http import UNKNOWN_ID, assert_problem

BASE = "/api/v1/favorites"


@pytest.fixture
async def market(tmp_path: Path) -> AsyncIterator[Market]:
    async for value in open_market(tmp_path):
        yield value


async def put(market: Market, user: User | None, professional_id: str) -> httpx.Response:
    headers = {} if user is None else user.headers
    response: httpx.Response = await market.client.put(f"{BASE}/{professional_id}", headers=headers)
    return response


async def delete(market: Market, user: User | None, professional_id: str) -> httpx.Response:
    headers = {} if user is None else user.headers
    response: httpx.Response = await market.client.delete(
        f"{BASE}/{professional_id}", headers=headers
    )
    return response


async def is_favorite(market: Market, user: User, professional_id: str) -> bool:
    response = await market.client.get(f"{BASE}/{professional_id}", headers=user.headers)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"isFavorite"}
    kept: bool = response.json()["isFavorite"]
    return kept


async def listed(market: Market, user: User, **params: Any) -> dict[str, Any]:
    response = await market.client.get(BASE, params=params, headers=user.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_keep_list_and_forget_idempotently(market: Market) -> None:
    ana = await market.customer("ana")
    pia = await market.professional("pia")
    assert await is_favorite(market, ana, pia.id) is False
    for _ in range(2):
        response = await put(market, ana, pia.id)
        assert response.status_code == 204 and not response.content
    assert await is_favorite(market, ana, pia.id) is True

    booking = await market.booking(ana, pia)
    await market.review(ana, booking, 4)
    body = await listed(market, ana)
    assert (body["total"], body["page"], body["pageSize"], body["pages"]) == (1, 1, 20, 1)
    [item] = body["items"]
    assert item["professional"] == {
        "id": pia.id,
        "fullName": "Pia",
        "avatarFileId": None,
        "categories": ["plumbing"],
        "hourlyRate": {"amount": 4500, "currency": "EUR"},
        "cities": ["Berlin"],
        "averageRating": 4.0,
        "reviewCount": 1,
    }
    assert item["favoritedAt"].endswith("Z")

    for _ in range(2):
        response = await delete(market, ana, pia.id)
        assert response.status_code == 204 and not response.content
    assert await is_favorite(market, ana, pia.id) is False
    assert (await listed(market, ana))["total"] == 0


async def test_newest_first_in_numbered_pages(market: Market) -> None:
    ana = await market.customer("ana")
    pros = [await market.professional(f"pro{i}") for i in range(3)]
    for pro in pros:
        assert (await put(market, ana, pro.id)).status_code == 204
        market.api.clock.advance(timedelta(minutes=1))
    first = await listed(market, ana, pageSize=2)
    assert (first["total"], first["pages"]) == (3, 2)
    assert [i["professional"]["id"] for i in first["items"]] == [pros[2].id, pros[1].id]
    second = await listed(market, ana, page=2, pageSize=2)
    assert [i["professional"]["id"] for i in second["items"]] == [pros[0].id]


async def test_favorites_are_per_user(market: Market) -> None:
    ana = await market.customer("ana")
    bob = await market.customer("bob")
    pia = await market.professional("pia")
    await put(market, ana, pia.id)
    assert await is_favorite(market, bob, pia.id) is False
    assert (await listed(market, bob))["total"] == 0
    assert (await delete(market, bob, pia.id)).status_code == 204
    assert await is_favorite(market, ana, pia.id) is True
    assert (await listed(market, ana))["total"] == 1


@pytest.mark.parametrize("professional_id", ["x", "-1", "%F0%9F%92%A9", UNKNOWN_ID])
async def test_a_malformed_or_unknown_professional_is_404(
    market: Market, professional_id: str
) -> None:
    ana = await market.customer("ana")
    assert_problem(await put(market, ana, professional_id), 404)
    if professional_id.startswith(("x", "-", "%")):
        assert_problem(await delete(market, ana, professional_id), 404)
        response = await market.client.get(f"{BASE}/{professional_id}", headers=ana.headers)
        assert_problem(response, 404)


async def test_only_visible_professionals_can_be_kept(market: Market) -> None:
    ana = await market.customer("ana")
    bob = await market.customer("bob")
    hidden = await market.professional("hid")
    response = await market.client.put(
        "/api/v1/users/me/settings", json={"profileVisibility": "private"}, headers=hidden.headers
    )
    assert response.status_code == 200, response.text
    for not_kept in (bob.id, hidden.id, market.admin_id):
        assert_problem(await put(market, ana, not_kept), 404)
    assert (await listed(market, ana))["total"] == 0


async def test_signing_in_is_required(market: Market) -> None:
    pia = await market.professional("pia")
    for method, url in [
        ("GET", BASE),
        ("GET", f"{BASE}/{pia.id}"),
        ("PUT", f"{BASE}/{pia.id}"),
        ("DELETE", f"{BASE}/{pia.id}"),
    ]:
        assert_problem(await market.client.request(method, url), 401)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": 0}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": 10**7}, "page"),
        ({"pageSize": 0}, "pageSize"),
        ({"pageSize": 101}, "pageSize"),
    ],
)
async def test_bad_pages_are_422(market: Market, params: dict[str, Any], field: str) -> None:
    ana = await market.customer("ana")
    response = await market.client.get(BASE, params=params, headers=ana.headers)
    assert_problem(response, 422, field)


async def test_the_routes_are_documented(market: Market) -> None:
    doc = (await market.client.get("/schema/openapi.json")).json()
    routes = [
        (method, path, operation)
        for path, item in doc["paths"].items()
        if path.startswith(BASE)
        for method, operation in item.items()
    ]
    assert {(method, path) for method, path, _ in routes} == {
        ("get", BASE),
        ("get", BASE + "/{professional_id}"),
        ("put", BASE + "/{professional_id}"),
        ("delete", BASE + "/{professional_id}"),
    }
    for _, path, operation in routes:
        assert operation["tags"] == ["favorites"] and operation["summary"]
        assert operation["security"] == [{"BearerToken": []}]
        assert {"401", "500"} <= set(operation["responses"])
        if "{" in path:
            assert "404" in operation["responses"]
