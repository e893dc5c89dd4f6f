"""The identity API over HTTP, on an in-memory Alora: sign-up, sign-in, tokens, cookies, passwords.

Profiles and settings are in ``test_http_users``, administration in ``test_http_admin``; input
validation and OpenAPI in the identity API's contract tests.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from alora_core.identity.events import NewDeviceSignedIn
from alora_core.shared.events import DomainEvent
from support.http import PASSWORD, Api, assert_problem, bearer, open_api


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for value in open_api(tmp_path):
        yield value


def _set_cookies(response: httpx.Response) -> dict[str, str]:
    headers = response.headers.get_list("set-cookie")
    return {header.split("=", 1)[0]: header for header in headers}


# --- the main flow -------------------------------------------------------------------------------


async def test_register_verify_login_refresh_reuse_logout(api: Api) -> None:
    client = api.client
    user = await api.register("ada", email="Ada@Example.com", phone="(415) 555-0123")
    assert user["email"] == "ada@example.com"
    assert user["phone"] == "+14155550123"
    assert user["role"] == "customer"
    assert user["emailVerified"] is False
    assert "passwordHash" not in user
    assert user["createdAt"].endswith("Z")
    assert len(api.last_code("ada@example.com")) == 6

    unverified = await client.post(
        "/api/v1/auth/login", json={"identifier": "ada", "password": PASSWORD}
    )
    assert_problem(unverified, 401)

    wrong = await client.post(
        "/api/v1/auth/verify-email", json={"email": "ada@example.com", "code": "000000"}
    )
    if api.last_code("ada@example.com") != "000000":
        assert_problem(wrong, 422, "code")
    verified = await client.post(
        "/api/v1/auth/verify-email",
        json={"email": "ada@example.com", "code": api.last_code("ada@example.com")},
    )
    assert verified.status_code == 200, verified.text
    assert verified.json()["emailVerified"] is True
    again = await client.post(
        "/api/v1/auth/verify-email",
        json={"email": "ada@example.com", "code": api.last_code("ada@example.com")},
    )
    assert_problem(again, 422, "code")  # as a wrong code: no account is told apart

    for identifier in ("ada@example.com", "ADA", "+1 415 555 0123", "(415) 555-0123"):
        tokens = await api.login(identifier)
        assert tokens["tokenType"] == "Bearer"
        assert tokens["expiresIn"] == 900
        assert tokens["user"]["username"] == "ada"

    me = await client.get("/api/v1/auth/me", headers=bearer(tokens["accessToken"]))
    assert me.status_code == 200
    assert me.json()["id"] == user["id"]

    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refreshToken": tokens["refreshToken"]}
    )
    assert refreshed.status_code == 200, refreshed.text
    client.cookies.clear()  # an app: the body's tokens, no cookie jar
    new = refreshed.json()
    assert new["refreshToken"] != tokens["refreshToken"]
    assert (await client.get("/api/v1/auth/me", headers=bearer(new["accessToken"]))).is_success

    reused = await client.post(
        "/api/v1/auth/refresh", json={"refreshToken": tokens["refreshToken"]}
    )
    assert_problem(reused, 401)
    assert reused.headers["www-authenticate"] == "Bearer"
    dead = await client.post("/api/v1/auth/refresh", json={"refreshToken": new["refreshToken"]})
    assert_problem(dead, 401)
    assert_problem(await client.get("/api/v1/auth/me", headers=bearer(new["accessToken"])), 401)

    tokens = await api.login("ada")
    logout = await client.post("/api/v1/auth/logout", headers=bearer(tokens["accessToken"]))
    assert logout.status_code == 204
    assert logout.content == b""
    cleared = _set_cookies(logout)
    assert "Max-Age=0" in cleared["alora_access"]
    assert "Max-Age=0" in cleared["alora_refresh"]
    assert_problem(await client.get("/api/v1/auth/me", headers=bearer(tokens["accessToken"])), 401)
    after = await client.post("/api/v1/auth/refresh", json={"refreshToken": tokens["refreshToken"]})
    assert_problem(after, 401)


async def test_refresh_with_unknown_or_missing_token_is_401(api: Api) -> None:
    unknown = await api.client.post("/api/v1/auth/refresh", json={"refreshToken": "nope"})
    assert_problem(unknown, 401)
    assert_problem(await api.client.post("/api/v1/auth/refresh"), 401)
    assert_problem(await api.client.post("/api/v1/auth/refresh", json={}), 401)


async def test_me_and_logout_need_a_token(api: Api) -> None:
    assert_problem(await api.client.get("/api/v1/auth/me"), 401)
    assert_problem(await api.client.post("/api/v1/auth/logout"), 401)
    assert_problem(await api.client.get("/api/v1/auth/sessions"), 401)
    basic = await api.client.get("/api/v1/auth/me", headers={"Authorization": "Basic eDp5"})
    assert_problem(basic, 401)
    empty = await api.client.get("/api/v1/auth/me", headers={"Authorization": "Bearer "})
    assert_problem(empty, 401)


# --- cookies and CSRF --------------------------------------------------------------------------


async def test_login_sets_http_only_secure_lax_cookies(api: Api) -> None:
    user = await api.register("bea")
    await api.verify(user["email"])
    response = await api.client.post(
        "/api/v1/auth/login", json={"identifier": "bea", "password": PASSWORD}
    )
    cookies = _set_cookies(response)
    access, refresh = cookies["alora_access"], cookies["alora_refresh"]
    body = response.json()
    assert access.startswith(f"alora_access={body['accessToken']};")
    assert refresh.startswith(f"alora_refresh={body['refreshToken']};")
    for header in (access, refresh):
        assert "HttpOnly" in header
        assert "Secure" in header
        assert "SameSite=lax" in header
    assert "Path=/;" in access
    assert "Max-Age=900" in access
    assert "Path=/api/v1/auth" in refresh
    assert f"Max-Age={7 * 24 * 3600}" in refresh
    assert response.headers["cache-control"] == "no-store"


async def test_cookie_flow_refresh_and_logout(api: Api) -> None:
    client = api.client
    user = await api.register("cat")
    await api.verify(user["email"])
    login = await client.post(
        "/api/v1/auth/login", json={"identifier": "cat", "password": PASSWORD}
    )
    first = login.json()

    me = await client.get("/api/v1/auth/me")  # the access cookie alone
    assert me.status_code == 200
    assert me.json()["username"] == "cat"

    refreshed = await client.post("/api/v1/auth/refresh", headers={"X-Requested-With": "fetch"})
    assert refreshed.status_code == 200, refreshed.text
    second = refreshed.json()
    assert second["refreshToken"] != first["refreshToken"]
    assert client.cookies.get("alora_refresh") == second["refreshToken"]
    assert client.cookies.get("alora_access") == second["accessToken"]
    reused = await client.post(
        "/api/v1/auth/refresh",
        json={"refreshToken": first["refreshToken"]},
        headers={"X-Requested-With": "fetch"},
    )
    assert_problem(reused, 401)  # reuse kills the family, cookie tokens included
    assert_problem(await client.get("/api/v1/auth/me"), 401)

    client.cookies.clear()
    await client.post("/api/v1/auth/login", json={"identifier": "cat", "password": PASSWORD})
    logout = await client.post("/api/v1/auth/logout", headers={"X-Requested-With": "fetch"})
    assert logout.status_code == 204
    assert client.cookies.get("alora_access") is None
    assert client.cookies.get("alora_refresh") is None
    assert_problem(await client.get("/api/v1/auth/me"), 401)


async def test_cookie_authenticated_writes_need_a_csrf_signal(api: Api) -> None:
    client = api.client
    user = await api.register("dan")
    await api.verify(user["email"])
    await client.post("/api/v1/auth/login", json={"identifier": "dan", "password": PASSWORD})
    body = {"bio": "hello"}

    bare = await client.patch("/api/v1/users/me", json=body)
    assert_problem(bare, 403)
    evil = await client.patch(
        "/api/v1/users/me", json=body, headers={"Origin": "https://evil.example"}
    )
    assert_problem(evil, 403)
    assert_problem(await client.post("/api/v1/auth/refresh"), 403)

    same_host = await client.patch(
        "/api/v1/users/me", json=body, headers={"Origin": "https://testserver.local"}
    )
    assert same_host.status_code == 200, same_host.text
    ajax = await client.patch("/api/v1/users/me", json=body, headers={"X-Requested-With": "x"})
    assert ajax.status_code == 200
    assert (await client.get("/api/v1/users/me/settings")).status_code == 200  # safe method

    token = client.cookies.get("alora_access")
    assert token
    client.cookies.clear()
    with_header = await client.patch("/api/v1/users/me", json=body, headers=bearer(token))
    assert with_header.status_code == 200


async def test_allowed_cors_origin_passes_the_csrf_check(tmp_path: Path) -> None:
    async for api in open_api(tmp_path, ALORA_CORS_ORIGINS="https://app.example"):
        user = await api.register("eve")
        await api.verify(user["email"])
        await api.client.post(
            "/api/v1/auth/login", json={"identifier": "eve", "password": PASSWORD}
        )
        ok = await api.client.patch(
            "/api/v1/users/me", json={"bio": "x"}, headers={"Origin": "https://app.example"}
        )
        assert ok.status_code == 200, ok.text


async def test_cookies_are_not_secure_when_configured(tmp_path: Path) -> None:
    async for api in open_api(tmp_path, ALORA_COOKIE_SECURE="false"):
        user = await api.register("fay")
        await api.verify(user["email"])
        response = await api.client.post(
            "/api/v1/auth/login", json={"identifier": "fay", "password": PASSWORD}
        )
        assert all("Secure" not in header for header in _set_cookies(response).values())


# --- refused sign-ins and bad tokens ---------------------------------------------------------


async def test_five_failed_logins_then_429_with_retry_after(api: Api) -> None:
    user = await api.register("gus")
    await api.verify(user["email"])
    for _ in range(5):
        wrong = await api.client.post(
            "/api/v1/auth/login", json={"identifier": "gus", "password": "wrong password!"}
        )
        assert_problem(wrong, 401)
    blocked = await api.client.post(
        "/api/v1/auth/login", json={"identifier": "gus", "password": PASSWORD}
    )
    assert_problem(blocked, 429)
    assert int(blocked.headers["retry-after"]) > 0
    api.clock.advance(timedelta(minutes=16))
    assert (await api.login("gus"))["user"]["username"] == "gus"


async def test_unknown_identifier_is_401(api: Api) -> None:
    response = await api.client.post(
        "/api/v1/auth/login", json={"identifier": "nobody", "password": PASSWORD}
    )
    body = assert_problem(response, 401)
    assert body["type"].endswith("/invalid-credentials")


async def test_suspended_user_cannot_sign_in(api: Api) -> None:
    user, _ = await api.user("hal")
    _, admin = await api.admin()
    suspended = await api.client.post(
        f"/api/v1/admin/users/{user['id']}/suspend", json={"reason": "spam"}, headers=bearer(admin)
    )
    assert suspended.status_code == 200
    refused = await api.client.post(
        "/api/v1/auth/login", json={"identifier": "hal", "password": PASSWORD}
    )
    body = assert_problem(refused, 403)
    assert body["type"].endswith("/account-suspended")


async def test_expired_access_token_is_401_and_refresh_still_works(api: Api) -> None:
    user = await api.register("ivy")
    await api.verify(user["email"])
    tokens = await api.login("ivy")
    api.clock.advance(timedelta(minutes=16))
    expired = await api.client.get("/api/v1/auth/me", headers=bearer(tokens["accessToken"]))
    assert_problem(expired, 401)
    refreshed = await api.client.post(
        "/api/v1/auth/refresh", json={"refreshToken": tokens["refreshToken"]}
    )
    assert refreshed.status_code == 200
    me = await api.client.get("/api/v1/auth/me", headers=bearer(refreshed.json()["accessToken"]))
    assert me.status_code == 200


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_forged_tokens_are_401(api: Api) -> None:
    _, token = await api.user("jon")
    tokens = await api.login("jon")
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))

    tampered_claims = {**claims, "role": "admin"}
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    forged = [
        f"{header}.{_b64(tampered_claims)}.{signature}",  # payload changed, signature kept
        f"{header}.{payload}.{flipped}",  # signature changed
        f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(tampered_claims)}.",  # alg=none
        f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}.",
        tokens["refreshToken"],  # a refresh token is not an access token
        "not-a-jwt",
        "a" * 5000,
    ]
    for candidate in forged:
        response = await api.client.get("/api/v1/auth/me", headers=bearer(candidate))
        assert_problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"
    admin_try = await api.client.get(
        "/api/v1/admin/users", headers=bearer(f"{header}.{_b64(tampered_claims)}.{signature}")
    )
    assert_problem(admin_try, 401)


# --- verification codes ------------------------------------------------------------------------


async def test_resend_verification_is_202_always_and_sends_a_fresh_code(api: Api) -> None:
    client = api.client
    unknown = await client.post("/api/v1/auth/resend-verification", json={"email": "x@example.com"})
    assert unknown.status_code == 202
    assert unknown.json()["detail"]
    assert api.mailer.to("x@example.com") == []

    await api.register("kim")
    first = api.last_code("kim@example.com")
    soon = await client.post("/api/v1/auth/resend-verification", json={"email": "kim@example.com"})
    assert soon.status_code == 202
    assert len(api.code_mails("kim@example.com")) == 1  # cooling down

    api.clock.advance(timedelta(seconds=61))
    later = await client.post("/api/v1/auth/resend-verification", json={"email": "kim@example.com"})
    assert later.status_code == 202
    assert len(api.code_mails("kim@example.com")) == 2
    second = api.last_code("kim@example.com")
    if first != second:
        stale = await client.post(
            "/api/v1/auth/verify-email", json={"email": "kim@example.com", "code": first}
        )
        assert_problem(stale, 422, "code")
    await api.verify("kim@example.com")
    verified = await client.post(
        "/api/v1/auth/resend-verification", json={"email": "kim@example.com"}
    )
    assert verified.status_code == 202
    assert len(api.code_mails("kim@example.com")) == 2


async def test_verify_email_of_unknown_account_is_422(api: Api) -> None:
    response = await api.client.post(
        "/api/v1/auth/verify-email", json={"email": "ghost@example.com", "code": "123456"}
    )
    assert_problem(response, 422, "code")


# --- passwords -----------------------------------------------------------------------------------


async def test_forgot_and_reset_password(api: Api) -> None:
    client = api.client
    user, token = await api.user("lea")
    other_tokens = await api.login("lea")

    unknown = await client.post("/api/v1/auth/forgot-password", json={"email": "no@example.com"})
    assert unknown.status_code == 202
    assert api.mailer.to("no@example.com") == []
    sent = await client.post("/api/v1/auth/forgot-password", json={"email": "LEA@example.com"})
    assert sent.status_code == 202
    assert "Reset your password" in api.mailer.to("lea@example.com")[-1].subject
    code = api.last_code("lea@example.com")
    new_password = "a brand new passphrase"

    weak = await client.post(
        "/api/v1/auth/reset-password",
        json={"email": "lea@example.com", "code": code, "newPassword": "short"},
    )
    assert_problem(weak, 422, "newPassword")
    wrong_code = "000000" if code != "000000" else "111111"
    wrong = await client.post(
        "/api/v1/auth/reset-password",
        json={"email": "lea@example.com", "code": wrong_code, "newPassword": new_password},
    )
    assert_problem(wrong, 422, "code")
    unknown_reset = await client.post(
        "/api/v1/auth/reset-password",
        json={"email": "no@example.com", "code": code, "newPassword": new_password},
    )
    assert_problem(unknown_reset, 422, "code")

    reset = await client.post(
        "/api/v1/auth/reset-password",
        json={"email": "lea@example.com", "code": code, "newPassword": new_password},
    )
    assert reset.status_code == 204, reset.text
    assert_problem(await client.get("/api/v1/auth/me", headers=bearer(token)), 401)
    dead = await client.post(
        "/api/v1/auth/refresh", json={"refreshToken": other_tokens["refreshToken"]}
    )
    assert_problem(dead, 401)
    old = await client.post("/api/v1/auth/login", json={"identifier": "lea", "password": PASSWORD})
    assert_problem(old, 401)
    assert (await api.login("lea", new_password))["user"]["id"] == user["id"]


async def test_change_password(api: Api) -> None:
    client = api.client
    _, token = await api.user("max")
    new_password = "another fine passphrase"

    wrong = await client.post(
        "/api/v1/auth/change-password",
        json={"currentPassword": "not my password", "newPassword": new_password},
        headers=bearer(token),
    )
    assert_problem(wrong, 401)
    weak = await client.post(
        "/api/v1/auth/change-password",
        json={"currentPassword": PASSWORD, "newPassword": "password123"},
        headers=bearer(token),
    )
    assert_problem(weak, 422, "newPassword")
    same = await client.post(
        "/api/v1/auth/change-password",
        json={"currentPassword": PASSWORD, "newPassword": PASSWORD},
        headers=bearer(token),
    )
    assert_problem(same, 422, "newPassword")
    anonymous = await client.post(
        "/api/v1/auth/change-password",
        json={"currentPassword": PASSWORD, "newPassword": new_password},
    )
    assert_problem(anonymous, 401)

    changed = await client.post(
        "/api/v1/auth/change-password",
        json={"currentPassword": PASSWORD, "newPassword": new_password},
        headers=bearer(token),
    )
    assert changed.status_code == 204, changed.text
    assert "Max-Age=0" in _set_cookies(changed)["alora_access"]
    assert_problem(await client.get("/api/v1/auth/me", headers=bearer(token)), 401)
    await api.login("max", new_password)


# --- own sessions --------------------------------------------------------------------------------


async def test_list_and_revoke_own_sessions(api: Api) -> None:
    client = api.client
    _, first = await api.user("ned")
    api.clock.advance(timedelta(seconds=1))
    second = (await api.login("ned"))["accessToken"]
    _, stranger = await api.user("oli")

    listed = await client.get("/api/v1/auth/sessions", headers=bearer(second))
    assert listed.status_code == 200
    sessions = listed.json()
    assert len(sessions) == 2
    assert [s["current"] for s in sessions] == [True, False]  # newest first
    assert set(sessions[0]) == {
        "id", "createdAt", "lastUsedAt", "expiresAt", "userAgent", "ip", "current"
    }  # fmt: skip
    assert sessions[0]["expiresAt"].endswith("Z")
    first_id = sessions[1]["id"]

    foreign = await client.delete(f"/api/v1/auth/sessions/{first_id}", headers=bearer(stranger))
    assert_problem(foreign, 404)
    for bad in ("nope", "123", "00000000-0000-0000-0000-000000000000", "%20"):
        assert_problem(
            await client.delete(f"/api/v1/auth/sessions/{bad}", headers=bearer(second)), 404
        )

    revoked = await client.delete(f"/api/v1/auth/sessions/{first_id}", headers=bearer(second))
    assert revoked.status_code == 204
    assert "set-cookie" not in revoked.headers  # not the current session
    assert_problem(await client.get("/api/v1/auth/me", headers=bearer(first)), 401)
    again = await client.delete(f"/api/v1/auth/sessions/{first_id}", headers=bearer(second))
    assert_problem(again, 404)

    current_id = sessions[0]["id"]
    own = await client.delete(f"/api/v1/auth/sessions/{current_id}", headers=bearer(second))
    assert own.status_code == 204
    assert "Max-Age=0" in _set_cookies(own)["alora_refresh"]
    assert_problem(await client.get("/api/v1/auth/me", headers=bearer(second)), 401)


async def test_a_sign_in_from_a_new_user_agent_is_an_event(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[NewDeviceSignedIn] = []
    uow_class = type(api.alora.uow_factory())
    collect = uow_class.collect_events

    def spy(uow: object) -> list[DomainEvent]:
        events: list[DomainEvent] = collect(uow)
        seen.extend(e for e in events if isinstance(e, NewDeviceSignedIn))
        return events

    monkeypatch.setattr(uow_class, "collect_events", spy)
    await api.user("pia")  # the first sign-in is no news

    async def sign_in(user_agent: str) -> None:
        response = await api.client.post(
            "/api/v1/auth/login",
            json={"identifier": "pia", "password": PASSWORD},
            headers={"User-Agent": user_agent},
        )
        assert response.status_code == 200, response.text
        api.client.cookies.clear()

    await sign_in("Alora/2.1 (iPhone; iOS 18.1)")
    await sign_in("Alora/2.1  (iPhone; iOS 18.1)")
    assert [(e.user_agent, e.ip) for e in seen] == [("Alora/2.1 (iPhone; iOS 18.1)", "testclient")]


# --- rate limit of the public auth routes ----------------------------------------------------


async def test_public_auth_routes_are_rate_limited_per_ip(tmp_path: Path) -> None:
    async for api in open_api(tmp_path, ALORA_AUTH_RATE_PER_MINUTE="3"):
        client = api.client
        for _ in range(3):
            ok = await client.post("/api/v1/auth/forgot-password", json={"email": "a@b.co"})
            assert ok.status_code == 202
        for path, body in [
            ("/api/v1/auth/forgot-password", {"email": "a@b.co"}),
            ("/api/v1/auth/login", {"identifier": "x", "password": "y"}),
            ("/api/v1/auth/register", {}),
            ("/api/v1/auth/verify-email", {}),
            ("/api/v1/auth/resend-verification", {}),
            ("/api/v1/auth/reset-password", {}),
            ("/api/v1/auth/refresh", {}),
        ]:
            limited = await client.post(path, json=body)
            assert_problem(limited, 429)
            assert 1 <= int(limited.headers["retry-after"]) <= 60
        assert_problem(await client.get("/api/v1/auth/me"), 401)  # not a public auth route
        api.clock.advance(timedelta(seconds=61))
        again = await client.post("/api/v1/auth/forgot-password", json={"email": "a@b.co"})
        assert again.status_code == 202
