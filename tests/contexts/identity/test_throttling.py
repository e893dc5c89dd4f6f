"""Guessing secrets: failed passwords and wrong codes count per account however it is named,
codes are capped per day however many are issued, and known and unknown accounts answer alike
after the same work (``backend`` fixture: memory, SQLite, PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alora_core.identity import commands as c
from alora_core.identity.errors import InvalidCredentials
from alora_core.identity.events import CodeRequested
from alora_core.identity.model import User
from alora_core.shared.clock import FixedClock
from alora_core.shared.errors import Invalid, RateLimited
from entrypoints.bootstrap import Alora
from support.accounts import (
    PASSWORD,
    actor,
    code_mails,
    last_code,
    login,
    make_admin,
    register,
    verified_user,
)
from support.backends import Backend, committed_events
from support.hashing import CountingHasher

NEW_PASSWORD = "a brand new secret"


def other_than(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def sign_in(alora: Alora, identifier: str, password: str, ip: str) -> None:
    await alora.bus.handle(
        c.Login(identifier=identifier, password=password, user_agent="pytest", ip=ip)
    )


def advance(alora: Alora, delta: timedelta) -> None:
    alora.clock.advance(delta)  # type: ignore[attr-defined]


# -- failed passwords count per account -------------------------------------------------------


async def test_failed_sign_ins_count_per_account_however_it_is_named(alora: Alora) -> None:
    await verified_user(alora, "ben", phone="+1 415 555 0142")
    spellings = ["ben", "BEN", " Ben@Example.com ", "+14155550142", "(415) 555-0142"]
    for number, identifier in enumerate(spellings):
        with pytest.raises(InvalidCredentials):
            await sign_in(alora, identifier, "wrong password!", ip=f"10.0.1.{number}")
    with pytest.raises(RateLimited) as raised:
        await sign_in(alora, "ben@example.com", PASSWORD, ip="10.0.2.1")
    assert 0 < raised.value.retry_after_seconds <= 15 * 60
    advance(alora, timedelta(minutes=16))
    await sign_in(alora, "ben", PASSWORD, ip="10.0.2.1")


async def test_spellings_of_an_unknown_identifier_share_a_budget(alora: Alora) -> None:
    for unknown in (
        ["+1 415 555 0199", "(415) 555-0199", "415.555.0199", "+14155550199", "4155550199"],
        ["Nobody", "NOBODY", " nobody ", "nobody", "NoBody"],
        ["No@One.example", "no@one.example", " NO@ONE.EXAMPLE", "no@One.Example", "nO@one.example"],
    ):
        for number, identifier in enumerate(unknown):
            with pytest.raises(InvalidCredentials):
                await sign_in(alora, identifier, "wrong password!", ip=f"10.0.3.{number}")
        with pytest.raises(RateLimited):
            await sign_in(alora, unknown[0], "wrong password!", ip="10.0.4.1")


async def test_failed_sign_ins_still_count_per_ip(alora: Alora) -> None:
    await verified_user(alora, "ben")
    for number in range(5):
        with pytest.raises(InvalidCredentials):
            await sign_in(alora, f"nobody{number}", "wrong password!", ip="10.0.5.1")
    with pytest.raises(RateLimited):
        await sign_in(alora, "ben", PASSWORD, ip="10.0.5.1")
    await sign_in(alora, "ben", PASSWORD, ip="10.0.5.2")


async def test_wrong_current_passwords_spend_the_sign_in_budget(alora: Alora) -> None:
    await verified_user(alora, "ben")
    me = actor(await login(alora, "ben"))
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await alora.bus.handle(
                c.ChangePassword(
                    actor=me, current_password="not it at all", new_password=NEW_PASSWORD
                )
            )
    with pytest.raises(RateLimited) as raised:
        await alora.bus.handle(
            c.ChangePassword(actor=me, current_password=PASSWORD, new_password=NEW_PASSWORD)
        )
    assert 0 < raised.value.retry_after_seconds <= 15 * 60
    with pytest.raises(RateLimited):  # one budget per account: signing in is refused too
        await sign_in(alora, "ben", PASSWORD, ip="10.0.6.1")
    advance(alora, timedelta(minutes=16))
    await alora.bus.handle(
        c.ChangePassword(actor=me, current_password=PASSWORD, new_password=NEW_PASSWORD)
    )


# -- wrong codes are capped per account and day -----------------------------------------------


async def guess_reset_codes(alora: Alora, user: User, rounds: int) -> None:
    """Ask for a fresh reset code, spend its attempts on wrong guesses, wait out the cooldown."""
    for _ in range(rounds):
        await alora.bus.handle(c.ForgotPassword(email=user.email))
        wrong = other_than(last_code(alora, user.email))
        for _ in range(5):
            with pytest.raises(Invalid):
                await alora.bus.handle(
                    c.ResetPassword(email=user.email, code=wrong, new_password=NEW_PASSWORD)
                )
        advance(alora, timedelta(seconds=61))


async def test_a_fresh_reset_code_does_not_reset_the_daily_cap(alora: Alora) -> None:
    user = await verified_user(alora, "ben")
    await guess_reset_codes(alora, user, rounds=4)  # 20 wrong codes
    await alora.bus.handle(c.ForgotPassword(email=user.email))
    fresh = last_code(alora, user.email)
    with pytest.raises(RateLimited) as raised:
        await alora.bus.handle(
            c.ResetPassword(email=user.email, code=fresh, new_password=NEW_PASSWORD)
        )
    assert 0 < raised.value.retry_after_seconds <= 24 * 3600
    advance(alora, timedelta(hours=24))
    await alora.bus.handle(c.ForgotPassword(email=user.email))
    await alora.bus.handle(
        c.ResetPassword(
            email=user.email, code=last_code(alora, user.email), new_password=NEW_PASSWORD
        )
    )
    await login(alora, "ben", NEW_PASSWORD)


async def test_a_fresh_verification_code_does_not_reset_the_daily_cap(alora: Alora) -> None:
    user = await register(alora, "ben")
    for _ in range(4):
        wrong = other_than(last_code(alora, user.email))
        for _ in range(5):
            with pytest.raises(Invalid):
                await alora.bus.handle(c.VerifyEmail(email=user.email, code=wrong))
        advance(alora, timedelta(seconds=61))
        await alora.bus.handle(c.ResendVerification(email=user.email))
    with pytest.raises(RateLimited):
        await alora.bus.handle(c.VerifyEmail(email=user.email, code=last_code(alora, user.email)))


async def test_the_code_cap_is_a_setting_and_unknown_addresses_have_one_too(
    backend: Backend,
) -> None:
    alora = await backend.build(clock=FixedClock(), environ={"ALORA_CODE_MAX_FAILURES": "3"})
    user = await verified_user(alora, "ben")
    await alora.bus.handle(c.ForgotPassword(email=user.email))
    wrong = other_than(last_code(alora, user.email))
    for email in (user.email, "nobody@example.com"):
        for spelling in (email, email.upper(), f" {email} "):
            with pytest.raises(Invalid):
                await alora.bus.handle(
                    c.ResetPassword(email=spelling, code=wrong, new_password=NEW_PASSWORD)
                )
        with pytest.raises(RateLimited):
            await alora.bus.handle(
                c.ResetPassword(email=email, code=wrong, new_password=NEW_PASSWORD)
            )


# -- known and unknown accounts answer alike after the same work ------------------------------


async def test_reset_password_works_and_answers_alike_for_known_and_unknown_addresses(
    backend: Backend,
) -> None:
    hasher = CountingHasher()
    alora = await backend.build(clock=FixedClock(), hasher=hasher)
    known = await verified_user(alora, "ben")
    await verified_user(alora, "cat")
    await alora.bus.handle(c.ForgotPassword(email="cat@example.com"))  # cat has a code; ben none
    code = last_code(alora, "cat@example.com")
    hasher.taken()
    answers = []
    for email in (known.email, "cat@example.com", "nobody@example.com"):
        with pytest.raises(Invalid) as raised:
            await alora.bus.handle(
                c.ResetPassword(email=email, code=other_than(code), new_password=NEW_PASSWORD)
            )
        answers.append((str(raised.value), raised.value.errors, hasher.taken()))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][2]["hash"] == 0  # the code is checked before any costly work

    await alora.bus.handle(
        c.ResetPassword(email="cat@example.com", code=code, new_password=NEW_PASSWORD)
    )
    assert hasher.taken()["hash"] == 1
    await login(alora, "cat", NEW_PASSWORD)


async def test_a_new_password_naming_the_account_is_refused_only_to_the_code_holder(
    alora: Alora,
) -> None:
    user = await verified_user(alora, "benjamin.k")
    await alora.bus.handle(c.ForgotPassword(email=user.email))
    code = last_code(alora, user.email)
    with pytest.raises(Invalid) as wrong:  # a wrong code says nothing about the username
        await alora.bus.handle(
            c.ResetPassword(email=user.email, code=other_than(code), new_password="benjamin.k")
        )
    assert [e.code for e in wrong.value.errors] == ["code-wrong"]
    with pytest.raises(Invalid) as named:
        await alora.bus.handle(
            c.ResetPassword(email=user.email, code=code, new_password="benjamin.k")
        )
    assert [e.code for e in named.value.errors] == ["password-is-identifier"]
    await alora.bus.handle(  # the code was not used up by the refused password
        c.ResetPassword(email=user.email, code=code, new_password=NEW_PASSWORD)
    )


@pytest.mark.parametrize("ask", [c.ForgotPassword, c.ResendVerification])
async def test_asking_for_a_code_does_the_same_for_known_and_unknown_addresses(
    backend: Backend, ask: type[c.ForgotPassword] | type[c.ResendVerification]
) -> None:
    hasher = CountingHasher()
    alora = await backend.build(clock=FixedClock(), hasher=hasher)
    user = await register(alora, "ben")  # not verified yet: due either kind of code
    advance(alora, timedelta(seconds=61))
    hasher.taken()
    events = committed_events(alora)
    for email in ("Ben@Example.com", "nobody@example.com"):
        assert await alora.bus.handle(ask(email=email)) is None
        assert [type(event) for event in events] == [CodeRequested]
        events.clear()
        assert hasher.taken() == {}
    assert len(code_mails(alora, user.email)) == 2  # the registration's, then the one asked for


async def test_verifying_a_verified_address_answers_like_a_wrong_code(alora: Alora) -> None:
    verified = await verified_user(alora, "ben")
    pending = await register(alora, "cat")
    answers = []
    for email in (verified.email, pending.email, "nobody@example.com"):
        with pytest.raises(Invalid) as raised:
            await alora.bus.handle(
                c.VerifyEmail(email=email, code=other_than(last_code(alora, pending.email)))
            )
        answers.append((str(raised.value), raised.value.errors))
    assert answers[0] == answers[1] == answers[2]


async def test_the_code_job_sends_nothing_to_suspended_or_verified_accounts(alora: Alora) -> None:
    admin = await make_admin(alora)
    suspended = await verified_user(alora, "ben")
    await alora.bus.handle(c.SuspendUser(actor=admin, user_id=suspended.id, reason="spam"))
    verified = await verified_user(alora, "cat")
    advance(alora, timedelta(seconds=61))
    await alora.bus.handle(c.ForgotPassword(email=suspended.email))
    await alora.bus.handle(c.ResendVerification(email=verified.email))
    assert len(code_mails(alora, suspended.email)) == 1  # the registration's only
    assert len(code_mails(alora, verified.email)) == 1
