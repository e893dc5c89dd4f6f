"""``/api/v1/users``: own profile and settings, and what others see of a user."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from support.builders import add_file
from support.http import Api, assert_problem, bearer, open_api


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for value in open_api(tmp_path):
        yield value


# --- PATCH /users/me -----------------------------------------------------------------------------


async def test_patch_me_changes_only_the_fields_present(api: Api) -> None:
    ann, token = await api.user("ann")
    avatar = str(await add_file(api.alora, uuid.UUID(ann["id"])))
    first = await api.client.patch(
        "/api/v1/users/me",
        json={
            "fullName": "  Ann Example ",
            "bio": "Plumber in Berlin",
            "avatarFileId": avatar,
            "address": {"street": "Main St 1", "city": "Berlin", "postalCode": "10115"},
            "socialLinks": {"website": "https://ann.example"},
        },
        headers=bearer(token),
    )
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["fullName"] == "Ann Example"
    assert body["avatarFileId"] == avatar
    assert body["address"] == {
        "street": "Main St 1", "city": "Berlin", "state": "", "postalCode": "10115", "country": ""
    }  # fmt: skip
    assert body["socialLinks"] == {"website": "https://ann.example"}
    assert body["updatedAt"].endswith("Z")

    second = await api.client.patch(
        "/api/v1/users/me", json={"bio": "Retired"}, headers=bearer(token)
    )
    assert second.status_code == 200
    body = second.json()
    assert body["bio"] == "Retired"
    assert body["fullName"] == "Ann Example"
    assert body["address"]["city"] == "Berlin"
    assert body["avatarFileId"] == avatar

    cleared = await api.client.patch(
        "/api/v1/users/me", json={"address": None, "avatarFileId": None}, headers=bearer(token)
    )
    assert cleared.status_code == 200
    assert cleared.json()["address"] is None
    assert cleared.json()["avatarFileId"] is None
    assert cleared.json()["bio"] == "Retired"

    nothing = await api.client.patch("/api/v1/users/me", json={}, headers=bearer(token))
    assert nothing.status_code == 200
    me = await api.client.get("/api/v1/users/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json()["bio"] == "Retired"
    assert me.json() == (await api.client.get("/api/v1/auth/me", headers=bearer(token))).json()


async def test_the_avatar_must_be_an_image_of_ones_own(api: Api) -> None:
    ann, token = await api.user("ann")
    ben, _ = await api.user("ben")
    bens_pdf = await add_file(api.alora, uuid.UUID(ben["id"]), "application/pdf", public=False)
    own_pdf = await add_file(api.alora, uuid.UUID(ann["id"]), "application/pdf")
    answers = []
    for file_id in (bens_pdf, own_pdf, uuid.uuid4()):
        response = await api.client.patch(
            "/api/v1/users/me", json={"avatarFileId": str(file_id)}, headers=bearer(token)
        )
        body = assert_problem(response, 422, "avatarFileId")
        answers.append((body["detail"], body["errors"]))
    assert answers[0] == answers[1] == answers[2]  # another's file is told as an unknown one
    assert answers[0][1][0]["code"] == "unknown-file"
    me = await api.client.get("/api/v1/users/me", headers=bearer(token))
    assert me.json()["avatarFileId"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"fullName": None}, "fullName"),
        ({"fullName": "   "}, "fullName"),
        ({"fullName": "x" * 101}, "fullName"),
        ({"fullName": "x" * 201}, "fullName"),
        ({"bio": "x" * 2001}, "bio"),
        ({"bio": 5}, "bio"),
        ({"avatarFileId": "not-a-uuid"}, "avatarFileId"),
        ({"address": {"postalCode": "1" * 201}}, "address.postalCode"),
        ({"address": {"planet": "Mars"}}, "address.planet"),
        ({"address": "Berlin"}, "address"),
        ({"socialLinks": {"site": "javascript:alert(1)"}}, "socialLinks.site"),
        ({"socialLinks": {f"k{i}": "https://x.example" for i in range(11)}}, "socialLinks"),
        ({"socialLinks": ["https://x.example"]}, "socialLinks"),
        ({"email": "new@example.com"}, "email"),
        ({"role": "admin"}, "role"),
    ],
)
async def test_patch_me_rejects_invalid_fields(
    api: Api, body: dict[str, object], field: str
) -> None:
    _, token = await api.user("bob")
    response = await api.client.patch("/api/v1/users/me", json=body, headers=bearer(token))
    assert_problem(response, 422, field)


async def test_patch_me_needs_a_token(api: Api) -> None:
    assert_problem(await api.client.patch("/api/v1/users/me", json={"bio": "x"}), 401)
    assert_problem(await api.client.get("/api/v1/users/me"), 401)


# --- settings ------------------------------------------------------------------------------------

DEFAULT_SETTINGS = {
    "emailNotifications": True,
    "pushNotifications": True,
    "smsNotifications": False,
    "marketingEmails": False,
    "bookingReminders": True,
    "reviewNotifications": True,
    "profileVisibility": "public",
    "showEmail": False,
    "showPhone": False,
    "allowDirectMessages": True,
    "showReadReceipts": True,
    "theme": "system",
    "language": "en",
    "timezone": "UTC",
    "quietHoursStart": None,
    "quietHoursEnd": None,
}


async def test_settings_get_and_replace(api: Api) -> None:
    _, token = await api.user("cid")
    got = await api.client.get("/api/v1/users/me/settings", headers=bearer(token))
    assert got.status_code == 200
    assert got.json() == DEFAULT_SETTINGS

    full = {
        **DEFAULT_SETTINGS,
        "theme": "dark",
        "timezone": "Europe/Berlin",
        "showEmail": True,
        "quietHoursStart": "22:00",
        "quietHoursEnd": "07:00",
    }
    put = await api.client.put("/api/v1/users/me/settings", json=full, headers=bearer(token))
    assert put.status_code == 200, put.text
    assert put.json() == full

    partial = await api.client.put(
        "/api/v1/users/me/settings", json={"language": "pt-BR"}, headers=bearer(token)
    )
    assert partial.status_code == 200
    assert partial.json() == {**DEFAULT_SETTINGS, "language": "pt-BR"}  # PUT replaces the whole
    again = await api.client.get("/api/v1/users/me/settings", headers=bearer(token))
    assert again.json() == {**DEFAULT_SETTINGS, "language": "pt-BR"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": "x" * 65}, "timezone"),
        ({"timezone": "Europe"}, "timezone"),
        ({"quietHoursStart": "25:00", "quietHoursEnd": "07:00"}, "quietHoursStart"),
        ({"quietHoursStart": "22:00", "quietHoursEnd": "7:00"}, "quietHoursEnd"),
        ({"quietHoursStart": "22:00"}, "quietHoursEnd"),
        ({"quietHoursStart": None, "quietHoursEnd": "07:00"}, "quietHoursStart"),
        ({"quietHoursStart": "22:00", "quietHoursEnd": "22:00"}, "quietHoursEnd"),
        ({"quietHoursStart": 2200, "quietHoursEnd": "07:00"}, "quietHoursStart"),
        ({"language": "x"}, "language"),
        ({"theme": "neon"}, "theme"),
        ({"profileVisibility": "everyone"}, "profileVisibility"),
        ({"showEmail": "yes"}, "showEmail"),
        ({"darkMode": True}, "darkMode"),
    ],
)
async def test_settings_reject_invalid_values(
    api: Api, body: dict[str, object], field: str
) -> None:
    _, token = await api.user("dee")
    response = await api.client.put("/api/v1/users/me/settings", json=body, headers=bearer(token))
    assert_problem(response, 422, field)


async def test_settings_need_a_token(api: Api) -> None:
    assert_problem(await api.client.get("/api/v1/users/me/settings"), 401)
    assert_problem(await api.client.put("/api/v1/users/me/settings", json={}), 401)


# --- public profiles -----------------------------------------------------------------------------


async def _set(api: Api, token: str, **settings: object) -> None:
    response = await api.client.put(
        "/api/v1/users/me/settings", json={**DEFAULT_SETTINGS, **settings}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text


async def test_public_profile_hides_email_and_phone_unless_shown(api: Api) -> None:
    owner, owner_token = await api.user("eli", role="professional")
    url = f"/api/v1/users/{owner['id']}"

    anonymous = await api.client.get(url)
    assert anonymous.status_code == 200, anonymous.text
    profile = anonymous.json()
    assert profile["username"] == "eli"
    assert profile["role"] == "professional"
    assert profile["email"] is None
    assert profile["phone"] is None
    assert set(profile) == {
        "id", "fullName", "username", "role", "bio", "avatarFileId", "socialLinks",
        "createdAt", "email", "phone",
    }  # fmt: skip

    own = await api.client.get(url, headers=bearer(owner_token))
    assert own.json()["email"] == "eli@example.com"

    await _set(api, owner_token, showEmail=True, showPhone=True)
    shown = (await api.client.get(url)).json()
    assert shown["email"] == "eli@example.com"
    assert shown["phone"] == owner["phone"]


async def test_registered_and_private_profiles(api: Api) -> None:
    owner, owner_token = await api.user("fin")
    _, viewer_token = await api.user("gil")
    _, admin_token = await api.admin()
    url = f"/api/v1/users/{owner['id']}"

    await _set(api, owner_token, profileVisibility="registered")
    assert_problem(await api.client.get(url), 404)
    assert (await api.client.get(url, headers=bearer(viewer_token))).status_code == 200

    await _set(api, owner_token, profileVisibility="private")
    assert_problem(await api.client.get(url), 404)
    assert_problem(await api.client.get(url, headers=bearer(viewer_token)), 404)
    assert (await api.client.get(url, headers=bearer(owner_token))).status_code == 200
    as_admin = await api.client.get(url, headers=bearer(admin_token))
    assert as_admin.status_code == 200
    assert as_admin.json()["email"] == "fin@example.com"


async def test_public_profile_of_unknown_malformed_admin_or_bad_token(api: Api) -> None:
    admin_id, _ = await api.admin()
    assert_problem(await api.client.get(f"/api/v1/users/{admin_id}"), 404)
    assert_problem(await api.client.get(f"/api/v1/users/{uuid.uuid4()}"), 404)
    for bad in ("nope", "1", "mine", "00000000-0000-0000-0000-00000000000g", "x" * 300):
        assert_problem(await api.client.get(f"/api/v1/users/{bad}"), 404)
    user, _ = await api.user("hip")
    bad_token = await api.client.get(f"/api/v1/users/{user['id']}", headers=bearer("bad"))
    assert_problem(bad_token, 401)
