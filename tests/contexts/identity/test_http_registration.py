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


OTHER = {"username": "other", "email": "other@example.com", "phone": "+14155550001"}


@pytest.mark.parametrize(
    ("registered", "look_alike", "field"),
    [
        ("ada@example.com", "\uff41\uff44\uff41@example.com", "email"),  # fullwidth
        ("ada@example.com", "\u0430\u0501\u0430@example.com", "email"),  # Cyrillic letters
        ("ada", "\uff21\uff24\uff21", "username"),  # fullwidth
        ("modern", "rnodern", "username"),  # "rn" looks like "m"
    ],
)
async def test_look_alikes_of_a_registered_account_get_the_duplicates_answer(
    api: Api, registered: str, look_alike: str, field: str
) -> None:
    first = {**VALID, field: registered}
    assert (await api.client.post("/api/v1/auth/register", json=first)).status_code == 201
    answers = []
    for value in (registered, look_alike):
        response = await api.client.post(
            "/api/v1/auth/register", json={**VALID, **OTHER, field: value}
        )
        problem = assert_problem(response, 409, field)
        answers.append({key: problem.get(key) for key in ("type", "title", "detail", "errors")})
    assert answers[0] == answers[1]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "z\u0435d@example.com"}, "email"),  # a Cyrillic e among Latin letters
        ({"username": "z\u0435d"}, "username"),
    ],
)
async def test_a_mix_of_scripts_is_422_mixed_script(
    api: Api, changes: dict[str, str], field: str
) -> None:
    response = await api.client.post("/api/v1/auth/register", json={**VALID, **changes})
    body = assert_problem(response, 422, field)
    assert [error["code"] for error in body["errors"]] == ["mixed-script"]


async def test_sign_in_takes_the_fullwidth_and_upper_case_forms(api: Api) -> None:
    zed, _ = await api.user("zed")
    for identifier in ("\uff3a\uff25\uff24@EXAMPLE.COM", "\uff3a\uff25\uff24"):
        assert (await api.login(identifier))["user"]["id"] == zed["id"]


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
