"""Accounts made through identity's use cases, on a composed Alora: sign-ups with the emailed
code, sign-ins and an administrator. For suites whose subject is that activity (identity's own,
the activity report); to only have a user exist, use ``support.builders.add_user``.

Alora must have a ``MemoryMailer`` (``support.backends`` builds with one).
"""

from __future__ import annotations

import re

from alora_core.identity import commands as c
from alora_core.identity.model import Role, User
from alora_core.identity.queries import LoginResult
from alora_core.shared.actor import Actor
from alora_core.shared.mail import EmailMessage
from entrypoints.bootstrap import Alora

PASSWORD = "correct horse battery"
ADMIN_PASSWORD = "admin password 1"


def code_mails(alora: Alora, email: str) -> list[EmailMessage]:
    """The one-time-code emails sent to ``email`` (registration also sends a welcome)."""
    sent: list[EmailMessage] = alora.mailer.to(email)  # type: ignore[attr-defined]
    return [m for m in sent if (m.idempotency_key or "").endswith(".code")]


def last_code(alora: Alora, email: str) -> str:
    message = code_mails(alora, email)[-1]
    found = re.search(r"\b(\d{6})\b", message.text)
    assert found, message.text
    return found.group(1)


async def register(alora: Alora, name: str = "ana", **overrides: str) -> User:
    """Sign up ``name`` (``name@example.com``, a phone of their own); ``overrides`` replace
    the fields of ``RegisterUser`` (``role`` as its value: ``"professional"``)."""
    fields = {
        "full_name": f"{name.title()} Example",
        "username": name,
        "email": f"{name}@example.com",
        "phone": f"+1 415 555 {abs(hash(name)) % 10000:04d}",
        "password": PASSWORD,
        "role": "customer",
    } | overrides
    return await alora.bus.handle(c.RegisterUser(**fields | {"role": Role(fields["role"])}))


async def verified_user(alora: Alora, name: str = "ana", **overrides: str) -> User:
    """``register``, then verify the email with the code it was sent."""
    user = await register(alora, name, **overrides)
    await alora.bus.handle(c.VerifyEmail(email=user.email, code=last_code(alora, user.email)))
    return user


async def login(alora: Alora, identifier: str, password: str = PASSWORD) -> LoginResult:
    return await alora.bus.handle(
        c.Login(identifier=identifier, password=password, user_agent="pytest", ip="10.0.0.1")
    )


def actor(result: LoginResult) -> Actor:
    """Who acts with the access of this sign-in."""
    return Actor(
        user_id=result.user.id,
        role=result.user.role,
        email_verified=result.user.email_verified,
        session_id=result.session_id,
    )


async def make_admin(alora: Alora) -> Actor:
    """The administrator ``root`` (``root@example.com``), signed in once."""
    await alora.bus.handle(
        c.CreateAdmin(
            full_name="Root", username="root", email="root@example.com", password=ADMIN_PASSWORD
        )
    )
    return actor(await login(alora, "root", ADMIN_PASSWORD))
