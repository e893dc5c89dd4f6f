"""A page of another site cannot post to the API as a form: JSON routes take only JSON (415
otherwise), and the public auth routes refuse a browser request from another site (403
``cross-site``), so no one can sign a browser in as themselves (login CSRF)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from support.http import PASSWORD, Api, assert_problem, bearer, open_api


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for value in open_api(tmp_path, ALORA_CORS_ORIGINS="https://app.example"):
        yield value


LOGIN = {"identifier": "mallory", "password": PASSWORD}
REGISTER = {
    "fullName": "Mallory Mole",
    "username": "mallory2",
    "email": "mallory2@example.com",
    "phone": "+14155550199",
    "password": PASSWORD,
    "role": "customer",
}
PUBLIC_BODIES = [
    ("/api/v1/auth/login", LOGIN),
    ("/api/v1/auth/register", REGISTER),
    ("/api/v1/auth/refresh", {"refreshToken": "x" * 40}),
    ("/api/v1/auth/verify-email", {"email": "a@b.co", "code": "123456"}),
    ("/api/v1/auth/resend-verification", {"email": "a@b.co"}),
    ("/api/v1/auth/forgot-password", {"email": "a@b.co"}),
]
FORM_TYPES = [
    "text/plain",
    "text/plain; charset=utf-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/json; charset=utf-16",
    "application/jsonp",
]


async def mallory(api: Api) -> None:
    user = await api.register("mallory")
    await api.verify(user["email"])


@pytest.mark.parametrize("content_type", FORM_TYPES)
@pytest.mark.parametrize(("path", "body"), PUBLIC_BODIES)
async def test_json_routes_refuse_form_bodies_with_415(
    api: Api, path: str, body: dict[str, str], content_type: str
) -> None:
    """A cross-site ``<form enctype="text/plain">`` can send a body that parses as JSON."""
    await mallory(api)
    as_json = f'{{"{next(iter(body))}": "", "x": "' + '"}'
    for content in (
        urlencode(body).encode(),
        as_json.encode(),
        str(body).replace("'", '"').encode(),
    ):
        response = await api.client.post(
            path, content=content, headers={"Content-Type": content_type}
        )
        problem = assert_problem(response, 415)
        assert problem["type"].endswith("/unsupported-media-type"), problem


async def test_a_json_body_without_a_content_type_is_415(api: Api) -> None:
    await mallory(api)
    response = await api.client.post(
        "/api/v1/auth/login",
        content=b'{"identifier": "mallory", "password": "%s"}' % PASSWORD.encode(),
    )
    assert_problem(response, 415)


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=UTF-8", "application/merge-patch+json"],
)
async def test_json_media_types_are_accepted(api: Api, content_type: str) -> None:
    await mallory(api)
    response = await api.client.post(
        "/api/v1/auth/login",
        content=json.dumps(LOGIN).encode(),
        headers={"Content-Type": content_type},
    )
    assert response.status_code == 200, response.text


async def test_authenticated_json_routes_refuse_form_bodies_too(api: Api) -> None:
    _, token = await api.user("zoe")
    response = await api.client.patch(
        "/api/v1/users/me",
        content=b'{"bio": "x"}',
        headers={**bearer(token), "Content-Type": "text/plain"},
    )
    assert_problem(response, 415)
    response = await api.client.patch(
        "/api/v1/users/me",
        content=b'{"bio": "x"}',
        headers={**bearer(token), "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text


async def test_a_route_whose_body_may_be_left_out_still_answers_without_one(api: Api) -> None:
    """The refresh cookie alone, no body and no content type: not a 415."""
    await mallory(api)
    login = await api.client.post("/api/v1/auth/login", json=LOGIN)
    api.client.cookies.set("alora_refresh", login.json()["refreshToken"], path="/api/v1/auth")
    response = await api.client.post("/api/v1/auth/refresh", headers={"X-Requested-With": "fetch"})
    assert response.status_code == 200, response.text


# --- the Origin of browser requests to the public auth routes ----------------------------------


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "null", "https://testserver.local.evil.example"]
)
@pytest.mark.parametrize(("path", "body"), PUBLIC_BODIES)
async def test_a_cross_site_origin_is_403_cross_site(
    api: Api, path: str, body: dict[str, str], origin: str
) -> None:
    await mallory(api)
    response = await api.client.post(path, json=body, headers={"Origin": origin})
    problem = assert_problem(response, 403)
    assert problem["reason"] == "cross-site", problem
    assert "set-cookie" not in response.headers


async def test_cookies_without_a_same_site_signal_are_403_on_login(api: Api) -> None:
    """A browser that sent no Origin still sends its cookies: it must prove the page is ours."""
    await mallory(api)
    api.client.cookies.set("theme", "dark")
    response = await api.client.post("/api/v1/auth/login", json=LOGIN)
    assert assert_problem(response, 403)["reason"] == "cross-site"
    response = await api.client.post(
        "/api/v1/auth/login", json=LOGIN, headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "headers",
    [
        {},  # an app: no cookies, no Origin
        {"Origin": "https://testserver.local"},  # the API's own host
        {"Origin": "https://app.example"},  # ALORA_CORS_ORIGINS
        {"Origin": "https://APP.example/"},
        {"Origin": "https://evil.example", "X-Requested-With": "fetch"},  # needs a preflight
    ],
)
async def test_same_site_browsers_and_apps_sign_in(api: Api, headers: dict[str, str]) -> None:
    await mallory(api)
    response = await api.client.post("/api/v1/auth/login", json=LOGIN, headers=headers)
    assert response.status_code == 200, response.text
    assert response.cookies.get("alora_access")
