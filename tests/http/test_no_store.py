"""Personal answers are never cached: every response of a route that requires credentials, and
every response to a request that carries them, errors included, is ``Cache-Control: no-store``
(unless the route set its own); anonymous answers of public routes are left cacheable."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from support.http import Api, bearer, open_api


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for value in open_api(tmp_path):
        yield value


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in doc["paths"].items()
        if path.startswith("/api/v1/")
        for method, operation in item.items()
    ]


def _url(path: str) -> str:
    return re.sub(r"\{\w+\}", str(uuid.uuid4()), path)


def _requires_credentials(operation: dict[str, Any]) -> bool:
    security = operation.get("security") or []
    return bool(security) and all(security)


async def test_every_authenticated_route_answers_no_store(api: Api) -> None:
    _, admin = await api.admin()
    doc = (await api.client.get("/schema/openapi.json")).json()
    routes = [
        (method, path)
        for method, path, operation in _operations(doc)
        if _requires_credentials(operation) and not path.endswith("/logout")
    ]
    assert len(routes) > 40
    for method, path in routes:
        for headers in (bearer(admin), {}, bearer("a.b.c"), {"Cookie": "alora_access=a.b.c"}):
            response = await api.client.request(
                method.upper(), _url(path), json={}, headers=headers
            )
            api.client.cookies.clear()
            where = (method, path, headers, response.status_code)
            assert response.headers.get("cache-control") == "no-store", where


async def test_signed_in_answers_of_public_routes_are_no_store(api: Api) -> None:
    _, token = await api.user("zoe")
    doc = (await api.client.get("/schema/openapi.json")).json()
    for method, path, operation in _operations(doc):
        if method != "get" or _requires_credentials(operation):
            continue
        response = await api.client.get(_url(path), headers=bearer(token))
        assert response.headers.get("cache-control") == "no-store", (path, response.status_code)


async def test_own_data_is_no_store_by_bearer_and_by_cookie(api: Api) -> None:
    user, token = await api.user("ada")
    for url in ("/api/v1/auth/me", "/api/v1/users/me", "/api/v1/users/me/settings"):
        response = await api.client.get(url, headers=bearer(token))
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store", url
    login = await api.client.post(
        "/api/v1/auth/login", json={"identifier": "ada", "password": "correct horse battery staple"}
    )
    assert login.headers["cache-control"] == "no-store"
    response = await api.client.get("/api/v1/auth/me")  # the cookie alone
    assert response.json()["id"] == user["id"]
    assert response.headers["cache-control"] == "no-store"
    logout = await api.client.post("/api/v1/auth/logout", headers={"X-Requested-With": "fetch"})
    assert logout.status_code == 204
    assert logout.headers["cache-control"] == "no-store"


async def test_anonymous_public_pages_stay_cacheable(api: Api) -> None:
    for url in ("/api/v1/services", "/api/v1/professionals", "/api/v1/faqs", "/api/v1/about"):
        for _ in range(2):  # the second is answered from the kept pages where a route keeps them
            response = await api.client.get(url)
            assert response.status_code in (200, 404), (url, response.text)
            assert "no-store" not in response.headers.get("cache-control", ""), url
    response = await api.client.get("/api/v1/services", headers={"Cookie": "theme=dark"})
    assert "cache-control" not in response.headers  # other sites' cookies are no credentials
