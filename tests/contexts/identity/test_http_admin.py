"""``/api/v1/admin``: users, sessions and the audit log, for administrators only."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from support.http import PASSWORD, Api, assert_problem, bearer, open_api


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for value in open_api(tmp_path):
        yield value


def _admin_routes(user_id: str, session_id: str) -> list[tuple[str, str, dict[str, object] | None]]:
    return [
        ("GET", "/api/v1/admin/users", None),
        ("GET", f"/api/v1/admin/users/{user_id}", None),
        ("PATCH", f"/api/v1/admin/users/{user_id}", {"fullName": "X"}),
        ("DELETE", f"/api/v1/admin/users/{user_id}", None),
        ("POST", f"/api/v1/admin/users/{user_id}/suspend", {"reason": "x"}),
        ("POST", f"/api/v1/admin/users/{user_id}/unsuspend", None),
        ("GET", "/api/v1/admin/sessions", None),
        ("DELETE", f"/api/v1/admin/sessions/{session_id}", None),
        ("GET", "/api/v1/admin/audit-log", None),
    ]


async def test_admin_routes_are_403_for_others_and_401_for_anonymous(api: Api) -> None:
    user, token = await api.user("amy")
    sessions = (await api.client.get("/api/v1/auth/sessions", headers=bearer(token))).json()
    for method, url, body in _admin_routes(user["id"], sessions[0]["id"]):
        forbidden = await api.client.request(method, url, json=body, headers=bearer(token))
        assert_problem(forbidden, 403)
        assert_problem(await api.client.request(method, url, json=body), 401)
    assert (await api.client.get("/api/v1/auth/me", headers=bearer(token))).status_code == 200


async def test_list_search_and_paginate_users(api: Api) -> None:
    admin_id, admin = await api.admin()
    for name in ("pat", "pam", "pia"):
        await api.register(name, role="professional")
    for name in ("cal", "coy"):
        await api.register(name)
    get = api.client.get

    everyone = await get("/api/v1/admin/users", headers=bearer(admin))
    assert everyone.status_code == 200
    body = everyone.json()
    assert body["total"] == 6
    assert (body["page"], body["pageSize"], body["pages"]) == (1, 20, 1)
    first = body["items"][0]
    assert {"suspendedAt", "suspensionReason", "lastLoginAt", "emailVerified"} <= set(first)
    assert "passwordHash" not in first

    pros = (await get("/api/v1/admin/users?role=professional", headers=bearer(admin))).json()
    assert pros["total"] == 3
    assert {u["role"] for u in pros["items"]} == {"professional"}

    found = (await get("/api/v1/admin/users?q=PAM", headers=bearer(admin))).json()
    assert [u["username"] for u in found["items"]] == ["pam"]

    paged = (await get("/api/v1/admin/users?page=2&pageSize=4", headers=bearer(admin))).json()
    assert (paged["total"], paged["page"], paged["pageSize"], paged["pages"]) == (6, 2, 4, 2)
    assert len(paged["items"]) == 2
    beyond = (await get("/api/v1/admin/users?page=9&pageSize=4", headers=bearer(admin))).json()
    assert beyond["items"] == []

    for query, field in [
        ("pageSize=101", "pageSize"),
        ("pageSize=0", "pageSize"),
        ("page=0", "page"),
        ("page=x", "page"),
        ("role=root", "role"),
        ("q=" + "x" * 101, "q"),
        ("q=a%00b", "q"),
        ("page=1000001", "page"),
    ]:
        bad = await get(f"/api/v1/admin/users?{query}", headers=bearer(admin))
        assert_problem(bad, 422, field)
    assert admin_id


async def test_get_and_update_a_user(api: Api) -> None:
    admin_id, admin = await api.admin()
    user = await api.register("ben")
    await api.register("taken")
    url = f"/api/v1/admin/users/{user['id']}"

    got = await api.client.get(url, headers=bearer(admin))
    assert got.status_code == 200
    assert got.json()["username"] == "ben"
    assert got.json()["lastLoginAt"] is None

    updated = await api.client.patch(
        url,
        json={"fullName": "Ben Big", "role": "professional", "emailVerified": True, "phone": None},
        headers=bearer(admin),
    )
    assert updated.status_code == 200, updated.text
    body = updated.json()
    assert (body["fullName"], body["role"], body["emailVerified"], body["phone"]) == (
        "Ben Big", "professional", True, None
    )  # fmt: skip
    assert (await api.login("ben"))["user"]["role"] == "professional"

    own_role = await api.client.patch(
        f"/api/v1/admin/users/{admin_id}", json={"role": "customer"}, headers=bearer(admin)
    )
    assert_problem(own_role, 409, "role")
    duplicate = await api.client.patch(
        url, json={"email": "TAKEN@example.com"}, headers=bearer(admin)
    )
    assert_problem(duplicate, 409, "email")
    duplicate_name = await api.client.patch(url, json={"username": "taken"}, headers=bearer(admin))
    assert_problem(duplicate_name, 409, "username")
    for body_, field in [
        ({"username": "no spaces allowed"}, "username"),
        ({"email": "not-an-email"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"role": "root"}, "role"),
        ({"passwordHash": "x"}, "passwordHash"),
        ({"emailVerified": "yes"}, "emailVerified"),
    ]:
        assert_problem(await api.client.patch(url, json=body_, headers=bearer(admin)), 422, field)

    missing = f"/api/v1/admin/users/{uuid.uuid4()}"
    assert_problem(await api.client.get(missing, headers=bearer(admin)), 404)
    assert_problem(await api.client.patch(missing, json={}, headers=bearer(admin)), 404)
    for bad in ("nope", "123", "%00"):
        assert_problem(
            await api.client.get(f"/api/v1/admin/users/{bad}", headers=bearer(admin)), 404
        )


async def test_suspend_and_unsuspend(api: Api) -> None:
    admin_id, admin = await api.admin()
    user, token = await api.user("cal")
    tokens = await api.login("cal")
    url = f"/api/v1/admin/users/{user['id']}"

    suspended = await api.client.post(
        f"{url}/suspend", json={"reason": "fraud"}, headers=bearer(admin)
    )
    assert suspended.status_code == 200, suspended.text
    body = suspended.json()
    assert body["suspended"] is True
    assert body["suspensionReason"] == "fraud"
    assert body["suspendedAt"].endswith("Z")
    assert_problem(await api.client.get("/api/v1/auth/me", headers=bearer(token)), 401)
    dead = await api.client.post(
        "/api/v1/auth/refresh", json={"refreshToken": tokens["refreshToken"]}
    )
    assert_problem(dead, 401)
    refused = await api.client.post(
        "/api/v1/auth/login", json={"identifier": "cal", "password": PASSWORD}
    )
    assert_problem(refused, 403)
    assert_problem(await api.client.post(f"{url}/suspend", headers=bearer(admin)), 409)
    long_reason = await api.client.post(
        f"{url}/suspend", json={"reason": "x" * 2001}, headers=bearer(admin)
    )
    assert_problem(long_reason, 422, "reason")

    lifted = await api.client.post(f"{url}/unsuspend", headers=bearer(admin))
    assert lifted.status_code == 200
    assert lifted.json()["suspended"] is False
    assert lifted.json()["suspensionReason"] is None
    await api.login("cal")
    assert_problem(await api.client.post(f"{url}/unsuspend", headers=bearer(admin)), 409)

    no_body = await api.client.post(f"{url}/suspend", headers=bearer(admin))
    assert no_body.status_code == 200
    assert no_body.json()["suspensionReason"] == ""
    self_suspend = await api.client.post(
        f"/api/v1/admin/users/{admin_id}/suspend", json={}, headers=bearer(admin)
    )
    assert_problem(self_suspend, 409)
    ghost = f"/api/v1/admin/users/{uuid.uuid4()}"
    assert_problem(await api.client.post(f"{ghost}/suspend", headers=bearer(admin)), 404)
    assert_problem(await api.client.post(f"{ghost}/unsuspend", headers=bearer(admin)), 404)
    assert_problem(
        await api.client.post("/api/v1/admin/users/x/suspend", headers=bearer(admin)), 404
    )


async def test_delete_user(api: Api) -> None:
    admin_id, admin = await api.admin()
    user, token = await api.user("dot")
    url = f"/api/v1/admin/users/{user['id']}"

    deleted = await api.client.delete(url, headers=bearer(admin))
    assert deleted.status_code == 204
    assert_problem(await api.client.get(url, headers=bearer(admin)), 404)
    assert_problem(await api.client.get("/api/v1/auth/me", headers=bearer(token)), 401)
    gone = await api.client.post(
        "/api/v1/auth/login", json={"identifier": "dot", "password": PASSWORD}
    )
    assert_problem(gone, 401)
    assert_problem(await api.client.delete(url, headers=bearer(admin)), 404)
    assert_problem(
        await api.client.delete(f"/api/v1/admin/users/{admin_id}", headers=bearer(admin)), 409
    )
    assert_problem(await api.client.delete("/api/v1/admin/users/zzz", headers=bearer(admin)), 404)
    again = await api.register("dot")  # the email, username and phone are free again
    assert again["id"] != user["id"]


async def test_list_and_revoke_sessions(api: Api) -> None:
    _, admin = await api.admin()
    user, token = await api.user("eva")
    api.clock.advance(timedelta(seconds=1))
    await api.login("eva")
    other, _ = await api.user("flo")

    everyone = await api.client.get("/api/v1/admin/sessions", headers=bearer(admin))
    assert everyone.status_code == 200
    assert everyone.json()["total"] == 4  # the admin's own included

    mine = await api.client.get(
        f"/api/v1/admin/sessions?userId={user['id']}&pageSize=1", headers=bearer(admin)
    )
    body = mine.json()
    assert (body["total"], body["pages"], len(body["items"])) == (2, 2, 1)
    session = body["items"][0]
    assert session["userId"] == user["id"]
    assert set(session) == {
        "id", "userId", "createdAt", "lastUsedAt", "expiresAt", "userAgent", "ip"
    }  # fmt: skip
    nobody = await api.client.get(
        f"/api/v1/admin/sessions?userId={uuid.uuid4()}", headers=bearer(admin)
    )
    assert nobody.json()["total"] == 0
    bad_filter = await api.client.get("/api/v1/admin/sessions?userId=x", headers=bearer(admin))
    assert_problem(bad_filter, 422, "userId")
    assert_problem(
        await api.client.get("/api/v1/admin/sessions?pageSize=500", headers=bearer(admin)),
        422,
        "pageSize",
    )

    oldest = (
        await api.client.get(
            f"/api/v1/admin/sessions?userId={user['id']}&page=2&pageSize=1", headers=bearer(admin)
        )
    ).json()["items"][0]
    revoked = await api.client.delete(
        f"/api/v1/admin/sessions/{oldest['id']}", headers=bearer(admin)
    )
    assert revoked.status_code == 204
    assert_problem(await api.client.get("/api/v1/auth/me", headers=bearer(token)), 401)
    again = await api.client.delete(f"/api/v1/admin/sessions/{oldest['id']}", headers=bearer(admin))
    assert_problem(again, 404)
    for bad in ("x", str(uuid.uuid4())):
        assert_problem(
            await api.client.delete(f"/api/v1/admin/sessions/{bad}", headers=bearer(admin)), 404
        )
    assert other


async def test_audit_log_records_admin_actions(api: Api) -> None:
    admin_id, admin = await api.admin()
    user, _ = await api.user("gia")
    url = f"/api/v1/admin/users/{user['id']}"
    await api.client.patch(url, json={"fullName": "Gia G"}, headers=bearer(admin))
    await api.client.post(f"{url}/suspend", json={"reason": "spam"}, headers=bearer(admin))
    await api.client.post(f"{url}/unsuspend", headers=bearer(admin))
    await api.client.delete(url, headers=bearer(admin))

    log = await api.client.get("/api/v1/admin/audit-log", headers=bearer(admin))
    assert log.status_code == 200
    body = log.json()
    assert body["total"] == 4
    actions = {entry["action"] for entry in body["items"]}
    assert actions == {"user.update", "user.suspend", "user.unsuspend", "user.delete"}
    entry = next(e for e in body["items"] if e["action"] == "user.suspend")
    assert entry["actorId"] == admin_id
    assert entry["targetType"] == "user"
    assert entry["targetId"] == user["id"]
    assert entry["details"] == {"reason": "spam"}
    assert entry["occurredAt"].endswith("Z")

    only = await api.client.get("/api/v1/admin/audit-log?action=user.delete", headers=bearer(admin))
    assert [e["action"] for e in only.json()["items"]] == ["user.delete"]
    paged = await api.client.get("/api/v1/admin/audit-log?pageSize=3&page=2", headers=bearer(admin))
    assert (paged.json()["pages"], len(paged.json()["items"])) == (2, 1)
    assert_problem(
        await api.client.get("/api/v1/admin/audit-log?page=-1", headers=bearer(admin)), 422, "page"
    )
