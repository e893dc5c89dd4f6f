"""Registration over HTTP: duplicates are 409 naming the field, weak passwords and the admin
role are refused, and every invalid field is reported at once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from support.http import PASSWORD, Api, assert_problem, open_api


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for value in open_api(tmp_path):
        yield value


VALID = {
    "fullName": "Zed Zulu",
    "username": "zed",
    "email": "zed@example.com",
    "phone": "+14155559876",
    "password": PASSWORD,
    "role": "customer",
}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "ZED@example.com", "username": "other", "phone": "+14155550001"}, "email"),
        ({"email": "other@example.com", "username": "ZED", "phone": "+14155550001"}, "username"),
        ({"email": "other@example.com", "username": "other", "phone": "(415) 555-9876"}, "phone"),
    ],
)
async def test_duplicate_email_username_or_phone_is_409_naming_the_field(
    api: Api, changes: dict[str, str], field: str
) -> None:
    assert (await api.client.post("/api/v1/auth/register", json=VALID)).status_code == 201
    duplicate = await api.client.post("/api/v1/auth/register", json={**VALID, **changes})
    body = assert_problem(duplicate, 409, field)
    assert body["type"].endswith("/conflict")


@pytest.mark.parametrize(
    "password",
    ["short", "password123", "zed@example.com", "ZED", "1234567890", "x" * 257],
)
async def test_weak_passwords_are_422_naming_password(api: Api, password: str) -> None:
    body = {**VALID, "password": password}
    if password == "ZED":
        body["username"] = "zedzedzedzed"
        body["password"] = "ZEDZEDZEDZED"
    assert_problem(await api.client.post("/api/v1/auth/register", json=body), 422, "password")


async def test_admin_role_cannot_be_chosen_at_registration(api: Api) -> None:
    response = await api.client.post("/api/v1/auth/register", json={**VALID, "role": "admin"})
    assert_problem(response, 422, "role")


async def test_every_invalid_field_is_reported_at_once(api: Api) -> None:
    response = await api.client.post(
        "/api/v1/auth/register",
        json={
            "fullName": " ",
            "username": "a b",
            "email": "nope",
            "phone": "12",
            "password": "short",
            "role": "customer",
        },
    )
    body = assert_problem(response, 422)
    fields = {error["field"] for error in body["errors"]}
    assert fields == {"fullName", "username", "email", "phone", "password"}
