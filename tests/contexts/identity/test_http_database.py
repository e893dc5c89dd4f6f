"""The identity API on the real wiring: ``create_app(settings)`` builds Alora with
``bootstrap.build`` at start-up, against SQLite and PostgreSQL, argon2 and the file mailbox.

Also the race the database must decide: 20 simultaneous sign-ups with one email address, sent
to a real uvicorn server, give exactly one 201 and 19 409s naming ``email``.
"""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from adapters.mail import read_mailbox
from alora_core.identity.commands import CreateAdmin
from entrypoints import bootstrap
from entrypoints.http.app import create_app
from entrypoints.migrations import upgrade
from entrypoints.settings import Settings
from support.http import (
    BASE_URL,
    PASSWORD,
    assert_problem,
    bearer,
    code_from,
    make_settings,
)
from support.realtime import serve


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(
        "sqlite_url" if request.param == "sqlite" else "postgres_url"
    )
    return url


@pytest.fixture
async def settings(database_url: str, tmp_path: Path) -> Settings:
    await upgrade(database_url)
    return make_settings(
        tmp_path,
        ALORA_DATABASE_URL=database_url,
        ALORA_MAIL_DIR=str(tmp_path / "mail"),
        ALORA_LOG_LEVEL="warning",
    )


def _tag() -> str:
    """A suffix that keeps this test's rows apart from others' in the shared PostgreSQL database."""
    return secrets.token_hex(4)


def _phone() -> str:
    return f"+1415555{secrets.randbelow(10_000):04d}"


async def _last_code(settings: Settings, email: str) -> str:
    """The code in the newest code email to ``email``, once the background job has sent it."""
    for _ in range(200):
        messages = [
            m
            for m in read_mailbox(settings.mail_dir)
            if m["To"] == email and ".code@" in str(m["Message-ID"])
        ]
        if messages:
            break
        await asyncio.sleep(0.05)
    assert messages, f"no code email to {email}"
    body = messages[-1].get_body(preferencelist=("plain",))
    assert body is not None
    return code_from(body.get_content())


async def _create_admin(settings: Settings, username: str) -> None:
    """As ``alora users create-admin`` does: a composition of its own, on this event loop (the
    app's runs on the test client's)."""
    alora = await bootstrap.build(settings)
    try:
        await alora.bus.handle(
            CreateAdmin(
                full_name="Root",
                username=username,
                email=f"{username}@example.com",
                password=PASSWORD,
            )
        )
    finally:
        await alora.aclose()


async def test_main_flow_on_the_real_wiring(settings: Settings) -> None:
    tag = _tag()
    username, email, phone = f"ada_{tag}", f"ada_{tag}@example.com", _phone()
    app = create_app(settings)
    async with AsyncTestClient(app, base_url=BASE_URL) as client:
        ready = await client.get("/health/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"database": "ok", "broker": "ok", "storage": "ok"}

        registered = await client.post(
            "/api/v1/auth/register",
            json={
                "fullName": "Ada Lovelace",
                "username": username,
                "email": email,
                "phone": phone,
                "password": PASSWORD,
                "role": "professional",
            },
        )
        assert registered.status_code == 201, registered.text
        user: dict[str, Any] = registered.json()
        assert user["createdAt"].endswith("Z")
        for field, value in [("email", email.upper()), ("username", username), ("phone", phone)]:
            other = {
                "fullName": "Copy Cat",
                "username": f"cat_{_tag()}",
                "email": f"cat_{_tag()}@example.com",
                "phone": _phone(),
                "password": PASSWORD,
                "role": "customer",
            }
            duplicate = await client.post("/api/v1/auth/register", json={**other, field: value})
            assert_problem(duplicate, 409, field)

        unverified = await client.post(
            "/api/v1/auth/login", json={"identifier": email, "password": PASSWORD}
        )
        assert_problem(unverified, 401)
        verified = await client.post(
            "/api/v1/auth/verify-email",
            json={"email": email, "code": await _last_code(settings, email)},
        )
        assert verified.status_code == 200, verified.text

        tokens: dict[str, Any] = {}
        for identifier in (email, username, phone):
            login = await client.post(
                "/api/v1/auth/login", json={"identifier": identifier, "password": PASSWORD}
            )
            assert login.status_code == 200, login.text
            tokens = login.json()
            assert tokens["user"]["id"] == user["id"]
            client.cookies.clear()

        me = await client.get("/api/v1/auth/me", headers=bearer(tokens["accessToken"]))
        assert me.status_code == 200
        assert me.json()["emailVerified"] is True

        patched = await client.patch(
            "/api/v1/users/me",
            json={"bio": "Analyst", "address": {"city": "London"}, "socialLinks": {}},
            headers=bearer(tokens["accessToken"]),
        )
        assert patched.status_code == 200, patched.text
        assert patched.json()["address"]["city"] == "London"
        put = await client.put(
            "/api/v1/users/me/settings",
            json={"theme": "dark", "showEmail": True},
            headers=bearer(tokens["accessToken"]),
        )
        assert put.status_code == 200, put.text
        profile = await client.get(f"/api/v1/users/{user['id']}")
        assert profile.status_code == 200
        assert profile.json()["email"] == email

        refreshed = await client.post(
            "/api/v1/auth/refresh", json={"refreshToken": tokens["refreshToken"]}
        )
        assert refreshed.status_code == 200, refreshed.text
        client.cookies.clear()
        new = refreshed.json()
        reused = await client.post(
            "/api/v1/auth/refresh", json={"refreshToken": tokens["refreshToken"]}
        )
        assert_problem(reused, 401)
        dead = await client.post("/api/v1/auth/refresh", json={"refreshToken": new["refreshToken"]})
        assert_problem(dead, 401)
        assert_problem(await client.get("/api/v1/auth/me", headers=bearer(new["accessToken"])), 401)

        login = await client.post(
            "/api/v1/auth/login", json={"identifier": username, "password": PASSWORD}
        )
        client.cookies.clear()
        access = login.json()["accessToken"]
        sessions = await client.get("/api/v1/auth/sessions", headers=bearer(access))
        assert [s["current"] for s in sessions.json()].count(True) == 1
        logout = await client.post("/api/v1/auth/logout", headers=bearer(access))
        assert logout.status_code == 204
        assert_problem(await client.get("/api/v1/auth/me", headers=bearer(access)), 401)

        admin_name = f"root_{tag}"
        await _create_admin(settings, admin_name)
        admin_login = await client.post(
            "/api/v1/auth/login", json={"identifier": admin_name, "password": PASSWORD}
        )
        client.cookies.clear()
        admin = admin_login.json()["accessToken"]
        found = await client.get(f"/api/v1/admin/users?q={tag}&pageSize=1", headers=bearer(admin))
        assert found.status_code == 200, found.text
        assert found.json()["total"] == 2  # ada and root
        assert found.json()["pages"] == 2
        suspended = await client.post(
            f"/api/v1/admin/users/{user['id']}/suspend",
            json={"reason": "test"},
            headers=bearer(admin),
        )
        assert suspended.status_code == 200, suspended.text
        refused = await client.post(
            "/api/v1/auth/login", json={"identifier": username, "password": PASSWORD}
        )
        assert_problem(refused, 403)
        log = await client.get("/api/v1/admin/audit-log?action=user.suspend", headers=bearer(admin))
        assert user["id"] in {entry["targetId"] for entry in log.json()["items"]}
        deleted = await client.delete(f"/api/v1/admin/users/{user['id']}", headers=bearer(admin))
        assert deleted.status_code == 204
        gone = await client.get(f"/api/v1/admin/users/{user['id']}", headers=bearer(admin))
        assert_problem(gone, 404)
    assert app.state.alora is None  # closed at shutdown


# --- the race ------------------------------------------------------------------------------------


async def test_simultaneous_registrations_with_one_email(settings: Settings) -> None:
    email = f"race_{_tag()}@example.com"
    app = create_app(settings)
    async with serve(app) as base_url:
        limits = httpx.Limits(max_connections=20)
        async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
            # Open every connection first, so the 20 sign-ups leave at the same moment.
            await asyncio.gather(*(client.get("/health") for _ in range(20)))

            async def register(n: int) -> httpx.Response:
                return await client.post(
                    "/api/v1/auth/register",
                    json={
                        "fullName": f"Racer {n}",
                        "username": f"racer_{n}_{_tag()}",
                        "email": email,
                        "phone": _phone(),
                        "password": PASSWORD,
                        "role": "customer",
                    },
                )

            responses = await asyncio.gather(*(register(n) for n in range(20)))
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * 19, [r.text for r in responses if r.status_code != 409]
    conflicts = [r.json() for r in responses if r.status_code == 409]
    assert all(c["errors"][0]["field"] == "email" for c in conflicts), conflicts
    # The use case's early check answers a request that comes after the winner's commit; the
    # unique constraint answers those that overlapped it. Seeing the latter proves the overlap.
    early = "an account with this email already exists"  # registration._ensure_unique's words
    assert any(c["detail"] != early for c in conflicts), "the requests did not overlap"


async def test_simultaneous_writes_answer_only_documented_statuses(settings: Settings) -> None:
    """Writes racing on one row: the losers get 409 (optimistic concurrency), documented."""
    tag = _tag()
    email = f"busy_{tag}@example.com"
    app = create_app(settings)
    async with serve(app) as base_url:
        limits = httpx.Limits(max_connections=10)
        async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
            doc = (await client.get("/schema/openapi.json")).json()
            registered = await client.post(
                "/api/v1/auth/register",
                json={
                    "fullName": "Busy Bee",
                    "username": f"busy_{tag}",
                    "email": email,
                    "phone": _phone(),
                    "password": PASSWORD,
                    "role": "customer",
                },
            )
            assert registered.status_code == 201, registered.text
            code = await _last_code(settings, email)
            verify = {"email": email, "code": code}
            assert (await client.post("/api/v1/auth/verify-email", json=verify)).is_success
            tokens = []
            for _ in range(2):
                login = {"identifier": email, "password": PASSWORD}
                tokens.append((await client.post("/api/v1/auth/login", json=login)).json())
            client.cookies.clear()
            auth = bearer(tokens[0]["accessToken"])
            sessions = (await client.get("/api/v1/auth/sessions", headers=auth)).json()
            other_session = next(s["id"] for s in sessions if not s["current"])
            races: list[tuple[str, str, str, dict[str, Any]]] = [
                ("PATCH", "/api/v1/users/me", "/api/v1/users/me", {"json": {"bio": "x"}}),
                ("PUT", "/api/v1/users/me/settings", "/api/v1/users/me/settings",
                 {"json": {"theme": "dark"}}),
                ("DELETE", "/api/v1/auth/sessions/{session_id}",
                 f"/api/v1/auth/sessions/{other_session}", {}),
            ]  # fmt: skip
            seen: set[int] = set()
            for method, path, url, kwargs in races:
                responses = await asyncio.gather(
                    *(client.request(method, url, headers=auth, **kwargs) for _ in range(10))
                )
                documented = doc["paths"][path][method.lower()]["responses"]
                for response in responses:
                    assert str(response.status_code) in documented, (path, response.text)
                    assert response.status_code in {200, 204, 404, 409}, (path, response.text)
                    seen.add(response.status_code)
    assert seen & {200, 204}


async def test_alora_serve_factory_builds_from_the_environment(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``alora serve`` runs ``create_app`` with no arguments through uvicorn's factory mode."""
    await upgrade(sqlite_url)
    monkeypatch.setenv("ALORA_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ALORA_LOG_LEVEL", "warning")
    async with (
        serve("entrypoints.http.app:create_app", factory=True) as base_url,
        httpx.AsyncClient(base_url=base_url) as client,
    ):
        ready = await client.get("/health/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"database": "ok", "broker": "ok", "storage": "ok"}
        registered = await client.post(
            "/api/v1/auth/register",
            json={
                "fullName": "Fay Factory",
                "username": "fay",
                "email": "fay@example.com",
                "phone": _phone(),
                "password": PASSWORD,
                "role": "customer",
            },
        )
        assert registered.status_code == 201, registered.text
    assert read_mailbox(Path("var") / "mail")  # the default mailbox, under ALORA_VAR_DIR


# --- odd input on the real database ------------------------------------------------------------

ODD_TEXT = ["a\u0000b", "\\", "%", "_", "'; drop table users; --", "\u202e", "😀" * 50, "x" * 100]


async def test_odd_text_never_makes_a_500_on_the_database(settings: Settings) -> None:
    admin_name = f"root_{_tag()}"
    await _create_admin(settings, admin_name)
    app = create_app(settings)
    async with AsyncTestClient(app, base_url=BASE_URL) as client:
        login = await client.post(
            "/api/v1/auth/login", json={"identifier": admin_name, "password": PASSWORD}
        )
        admin = bearer(login.json()["accessToken"])
        client.cookies.clear()
        for odd in ODD_TEXT:
            requests: list[tuple[str, str, Any]] = [
                ("POST", "/api/v1/auth/register", {
                    "fullName": odd, "username": odd, "email": f"{odd}@example.com",
                    "phone": odd, "password": odd * 3, "role": "customer",
                }),
                ("POST", "/api/v1/auth/login", {"identifier": odd, "password": odd}),
                ("POST", "/api/v1/auth/login", {"identifier": f"{odd}@x.co", "password": odd}),
                ("POST", "/api/v1/auth/verify-email", {"email": odd, "code": odd}),
                ("POST", "/api/v1/auth/resend-verification", {"email": odd}),
                ("POST", "/api/v1/auth/forgot-password", {"email": odd}),
                ("POST", "/api/v1/auth/reset-password", {
                    "email": odd, "code": odd, "newPassword": odd * 3,
                }),
                ("POST", "/api/v1/auth/refresh", {"refreshToken": odd}),
                ("PATCH", "/api/v1/users/me", {
                    "fullName": odd, "bio": odd, "address": {"city": odd},
                    "socialLinks": {odd: f"https://x.example/{odd}"},
                }),
                ("PUT", "/api/v1/users/me/settings", {"language": odd, "timezone": odd}),
                ("GET", "/api/v1/admin/users", {"q": odd}),
                ("GET", "/api/v1/admin/audit-log", {"action": odd}),
            ]  # fmt: skip
            for method, path, body in requests:
                if method == "GET":
                    response = await client.get(path, params=body, headers=admin)
                else:
                    response = await client.request(method, path, json=body, headers=admin)
                assert response.status_code < 500, (method, path, body, response.text)
        for query in ("page=1000000&pageSize=100", "page=99999999999999999999", "pageSize=1e3"):
            response = await client.get(f"/api/v1/admin/users?{query}", headers=admin)
            assert response.status_code < 500, (query, response.text)
