"""The bench user: registered, verified (code read from the mailbox) and signed in over HTTP."""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from pathlib import Path

from attrs import frozen

from adapters.mail import read_mailbox
from bench.client import HttpConnection, expect

MAIL_TIMEOUT_SECONDS = 15
_CODE = re.compile(r"code is (\d{6})\b")
_ANY_CODE = re.compile(r"\b(\d{6})\b")

ME_PATH = "/api/v1/auth/me"


@frozen
class BenchUser:
    email: str
    password: str
    access_token: str
    me_body: bytes
    """The body of ``GET /api/v1/auth/me`` for this user."""

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


async def create_verified_user(port: int, mail_dir: Path) -> BenchUser:
    tag = secrets.token_hex(4)
    email = f"bench.{tag}@example.com"
    password = f"bench-{secrets.token_urlsafe(12)}"
    async with HttpConnection(port) as http:
        registration = {
            "fullName": "Bench User",
            "username": f"bench_{tag}",
            "email": email,
            "phone": f"+1 415 555 {secrets.randbelow(10_000):04d}",
            "password": password,
            "role": "customer",
        }
        expect(
            await http.request("POST", "/api/v1/auth/register", json_body=registration),
            201,
            "register",
        )
        code = await emailed_code(mail_dir, email)
        expect(
            await http.request(
                "POST", "/api/v1/auth/verify-email", json_body={"email": email, "code": code}
            ),
            200,
            "verify-email",
        )
        tokens = expect(
            await http.request(
                "POST",
                "/api/v1/auth/login",
                json_body={"identifier": email, "password": password},
            ),
            200,
            "login",
        ).json()
        access_token: str = tokens["accessToken"]
        me = expect(
            await http.request("GET", ME_PATH, headers={"Authorization": f"Bearer {access_token}"}),
            200,
            "me",
        )
    return BenchUser(email, password, access_token, me.body)


async def emailed_code(mail_dir: Path, email: str) -> str:
    """The 6-digit code in the newest email to ``email``, waiting for it to arrive."""
    deadline = time.monotonic() + MAIL_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        code = await asyncio.to_thread(_newest_code, mail_dir, email)
        if code is not None:
            return code
        await asyncio.sleep(0.05)
    raise RuntimeError(f"no verification email to {email} in {mail_dir}")


def _newest_code(mail_dir: Path, email: str) -> str | None:
    for message in reversed(read_mailbox(mail_dir)):
        if email not in str(message["To"]):
            continue
        part = message.get_body(preferencelist=("plain",))
        text = str(part.get_content()) if part is not None else ""
        found = _CODE.search(text) or _ANY_CODE.search(text)
        if found:
            return found.group(1)
    return None
