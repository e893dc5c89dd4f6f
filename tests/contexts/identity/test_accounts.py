"""Identity's accounts: signing up, verifying the email address with the code sent to it, and
forgetting, resetting or changing the password (``alora`` fixture: ``conftest.py``)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from alora_core.identity import commands as c
from alora_core.identity.errors import InvalidCredentials
from alora_core.shared.errors import Conflict, Invalid, Unauthenticated
from entrypoints.bootstrap import Alora
from support.accounts import PASSWORD, actor, code_mails, last_code, login, register, verified_user

# -- registration and verification ------------------------------------------------------------


async def test_register_normalizes_and_emails_a_code(alora: Alora) -> None:
    user = await register(
        alora, "ana", email="  Ana@Example.COM ", username=" Ana.B ", phone="(415) 555-0100"
    )
    assert (user.email, user.username, user.phone) == ("ana@example.com", "ana.b", "+14155550100")
    assert not user.email_verified
    message = code_mails(alora, "ana@example.com")[-1]
    assert re.search(r"\b\d{6}\b", message.text) and message.html
    assert PASSWORD not in message.text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "not-an-email"),
        ("username", "ab"),
        ("username", "bad name!"),
        ("phone", "12"),
        ("role", "admin"),
        ("full_name", "   "),
        ("password", "short"),
        ("password", "ana@example.com"),
        ("password", "password123"),
    ],
)
async def test_register_rejects_bad_fields(alora: Alora, field: str, value: str) -> None:
    with pytest.raises(Invalid) as raised:
        await register(alora, "ana", **{field: value})
    assert field in {e.field for e in raised.value.errors}


@pytest.mark.parametrize("field", ["email", "username", "phone"])
async def test_duplicates_are_conflicts_naming_the_field(alora: Alora, field: str) -> None:
    first = await register(alora, "ana")
    others = {"email": "bob@example.com", "username": "bob", "phone": "+1 415 555 0199"}
    others[field] = getattr(first, field).upper() if field == "email" else getattr(first, field)
    with pytest.raises(Conflict) as raised:
        await register(alora, "bob", **others)
    assert raised.value.field == field


async def test_login_needs_a_verified_email(alora: Alora) -> None:
    await register(alora, "ana")
    with pytest.raises(Unauthenticated):
        await login(alora, "ana")


async def test_verification_code_attempts_and_expiry(alora: Alora) -> None:
    user = await register(alora, "ana")
    code = last_code(alora, user.email)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(Invalid):
            await alora.bus.handle(c.VerifyEmail(email=user.email, code=wrong))
    with pytest.raises(Invalid, match="request a new one"):
        await alora.bus.handle(c.VerifyEmail(email=user.email, code=code))

    alora.clock.advance(timedelta(seconds=61))  # type: ignore[attr-defined]
    await alora.bus.handle(c.ResendVerification(email=user.email))
    fresh = last_code(alora, user.email)
    alora.clock.advance(timedelta(minutes=16))  # type: ignore[attr-defined]
    with pytest.raises(Invalid, match="expired"):
        await alora.bus.handle(c.VerifyEmail(email=user.email, code=fresh))


async def test_resend_has_a_cooldown_and_reveals_nothing(alora: Alora) -> None:
    user = await register(alora, "ana")
    await alora.bus.handle(c.ResendVerification(email=user.email))
    assert len(code_mails(alora, user.email)) == 1
    alora.clock.advance(timedelta(seconds=61))  # type: ignore[attr-defined]
    await alora.bus.handle(c.ResendVerification(email=user.email))
    assert len(code_mails(alora, user.email)) == 2
    assert await alora.bus.handle(c.ResendVerification(email="nobody@example.com")) is None


# -- passwords --------------------------------------------------------------------------------


async def test_forgot_and_reset_password_revokes_every_session(alora: Alora) -> None:
    user = await verified_user(alora, "ana")
    session = await login(alora, "ana")
    await alora.bus.handle(c.ForgotPassword(email="ANA@example.com"))
    code = last_code(alora, user.email)
    with pytest.raises(Invalid):
        await alora.bus.handle(c.ResetPassword(email=user.email, code=code, new_password="short"))
    await alora.bus.handle(
        c.ResetPassword(email=user.email, code=code, new_password="a brand new secret")
    )
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.Authenticate(access_token=session.access_token))
    with pytest.raises(InvalidCredentials):
        await login(alora, "ana")
    await login(alora, "ana", "a brand new secret")
    with pytest.raises(Invalid):  # the code is single-use
        await alora.bus.handle(
            c.ResetPassword(email=user.email, code=code, new_password="another new secret")
        )


async def test_forgot_password_for_unknown_email_says_nothing(alora: Alora) -> None:
    assert await alora.bus.handle(c.ForgotPassword(email="nobody@example.com")) is None
    assert alora.mailer.sent == []  # type: ignore[attr-defined]


async def test_change_password(alora: Alora) -> None:
    await verified_user(alora, "ana")
    session = await login(alora, "ana")
    me = actor(session)
    with pytest.raises(InvalidCredentials):
        await alora.bus.handle(
            c.ChangePassword(actor=me, current_password="nope", new_password="another secret 1")
        )
    with pytest.raises(Invalid):
        await alora.bus.handle(
            c.ChangePassword(actor=me, current_password=PASSWORD, new_password=PASSWORD)
        )
    await alora.bus.handle(
        c.ChangePassword(actor=me, current_password=PASSWORD, new_password="another secret 1")
    )
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.Authenticate(access_token=session.access_token))
    await login(alora, "ana", "another secret 1")
