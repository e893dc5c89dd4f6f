"""Helpers for HTTP tests: an app over an in-memory Alora, a client, sign-up and login
shortcuts, and problem assertions (``from support.http import Api, open_api ...``)."""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from attrs import define
from litestar.testing import AsyncTestClient

from adapters.memory.hasher import FastPasswordHasher
from adapters.memory.mail import MemoryMailer
from alora_core.identity.commands import CreateAdmin
from alora_core.identity.ports import PasswordHasher
from alora_core.shared.clock import FixedClock
from alora_core.shared.mail import EmailMessage
from entrypoints import bootstrap
from entrypoints.bootstrap import Alora
from entrypoints.http.app import create_app
from entrypoints.settings import Settings, load_settings
from support.contract import reason_checker

UNKNOWN_ID = "6f1e0c2a-4b7d-4e55-9a3c-0d2b8e7f4a11"
"""A well-formed id no record has (fixed, so parametrized test ids are the same in every run)."""
PASSWORD = "correct horse battery staple"
SECRET = "test-secret-key-test-secret-key-0123456789"
BASE_URL = "https://testserver.local"
CODE_RE = re.compile(r"\b(\d{6})\b")
PROBLEM_JSON = "application/problem+json"

_numbers = itertools.count(1000)


def make_settings(tmp_path: Path, **env: str) -> Settings:
    """Settings for tests: a fixed secret, a roomy auth rate limit, overrides as ALORA_* names."""
    environ = {
        "ALORA_SECRET_KEY": SECRET,
        "ALORA_VAR_DIR": str(tmp_path / "var"),
        "ALORA_AUTH_RATE_PER_MINUTE": "100000",
        **env,
    }
    return load_settings(environ, dotenv=None)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def code_from(text: str) -> str:
    match = CODE_RE.search(text)
    assert match, text
    return match.group(1)


def assert_problem(
    response: httpx.Response, status: int, field: str | None = None
) -> dict[str, Any]:
    """The response is a problem of ``status``; with ``field``, its errors name that field."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://")
    assert body["requestId"]
    if field is not None:
        fields = [error["field"] for error in body.get("errors") or []]
        assert field in fields, body
    return body


@define
class Api:
    """A test client on an in-memory Alora, with shortcuts for the common steps."""

    client: AsyncTestClient[Any]
    alora: Alora
    clock: FixedClock
    settings: Settings

    @property
    def mailer(self) -> MemoryMailer:
        mailer = self.alora.mailer
        assert isinstance(mailer, MemoryMailer)
        return mailer

    def code_mails(self, email: str) -> list[EmailMessage]:
        """The one-time-code emails sent to ``email`` (registration also sends a welcome)."""
        return [m for m in self.mailer.to(email) if (m.idempotency_key or "").endswith(".code")]

    def last_code(self, email: str) -> str:
        messages = self.code_mails(email)
        assert messages, f"no code email to {email}"
        return code_from(messages[-1].text)

    async def register(
        self,
        username: str,
        *,
        email: str | None = None,
        phone: str | None = None,
        role: str = "customer",
        password: str = PASSWORD,
        full_name: str | None = None,
    ) -> dict[str, Any]:
        response = await self.client.post(
            "/api/v1/auth/register",
            json={
                "fullName": full_name or username.title(),
                "username": username,
                "email": email or f"{username}@example.com",
                "phone": phone or f"+1415555{next(_numbers):04d}",
                "password": password,
                "role": role,
            },
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def verify(self, email: str) -> None:
        response = await self.client.post(
            "/api/v1/auth/verify-email", json={"email": email, "code": self.last_code(email)}
        )
        assert response.status_code == 200, response.text

    async def login(self, identifier: str, password: str = PASSWORD) -> dict[str, Any]:
        response = await self.client.post(
            "/api/v1/auth/login", json={"identifier": identifier, "password": password}
        )
        assert response.status_code == 200, response.text
        self.client.cookies.clear()  # tests choose explicitly between bearer and cookies
        body: dict[str, Any] = response.json()
        return body

    async def user(self, username: str, **kwargs: Any) -> tuple[dict[str, Any], str]:
        """A registered, verified and signed-in user and their access token."""
        user = await self.register(username, **kwargs)
        await self.verify(user["email"])
        tokens = await self.login(user["email"], kwargs.get("password", PASSWORD))
        return user, tokens["accessToken"]

    async def admin(self, username: str = "root") -> tuple[str, str]:
        """A signed-in administrator: their id and access token."""
        user = await self.alora.bus.handle(
            CreateAdmin(
                full_name="Root Admin",
                username=username,
                email=f"{username}@example.com",
                password=PASSWORD,
            )
        )
        tokens = await self.login(username)
        return str(user.id), tokens["accessToken"]


async def open_api(
    tmp_path: Path, *, hasher: PasswordHasher | None = None, **env: str
) -> AsyncIterator[Api]:
    clock = FixedClock()
    alora = bootstrap.build_in_memory(clock=clock, hasher=hasher or FastPasswordHasher())
    settings = make_settings(tmp_path, **env)
    app = create_app(settings, alora=alora)
    async with AsyncTestClient(app, base_url=BASE_URL) as client:
        client.event_hooks["response"].append(reason_checker(app))
        yield Api(client=client, alora=alora, clock=clock, settings=settings)
