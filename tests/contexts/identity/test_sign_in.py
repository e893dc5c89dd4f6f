"""Signing in: credentials, rate limits and suspensions, the devices signed in from, refresh
tokens and one's sessions (``alora`` fixture: ``conftest.py``)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from alora_core.identity import commands as c
from alora_core.identity.errors import AccountSuspended, InvalidCredentials
from alora_core.identity.events import NewDeviceSignedIn
from alora_core.identity.use_cases import LoginResult
from alora_core.shared.errors import NotFound, RateLimited, Unauthenticated
from alora_core.shared.events import DomainEvent
from entrypoints.bootstrap import Alora
from support.accounts import PASSWORD, actor, login, make_admin, verified_user
from support.backends import committed_events

# -- login ------------------------------------------------------------------------------------


async def test_login_by_email_username_and_phone(alora: Alora) -> None:
    user = await verified_user(alora, "ana", phone="+1 415 555 0100")
    for identifier in ("ANA@example.com", "Ana", "+14155550100", "(415) 555-0100"):
        result = await login(alora, identifier)
        assert result.user.id == user.id
        principal = await alora.bus.handle(c.Authenticate(access_token=result.access_token))
        assert principal.user.id == user.id


async def test_control_characters_in_the_identifier_find_no_one(alora: Alora) -> None:
    await verified_user(alora, "ana")
    with pytest.raises(InvalidCredentials):
        await login(alora, "ana\x00")


async def test_numeric_username_is_found_by_the_fallback(alora: Alora) -> None:
    user = await verified_user(alora, "ana", username="12345678")
    assert (await login(alora, "12345678")).user.id == user.id


async def test_wrong_password_and_unknown_identifier_look_the_same(alora: Alora) -> None:
    await verified_user(alora, "ana")
    with pytest.raises(InvalidCredentials) as wrong:
        await login(alora, "ana", "not the password")
    with pytest.raises(InvalidCredentials) as unknown:
        await login(alora, "nobody", "not the password")
    assert str(wrong.value) == str(unknown.value)


async def test_five_failures_then_rate_limited(alora: Alora) -> None:
    await verified_user(alora, "ana")
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await login(alora, "ana", "wrong password!")
    with pytest.raises(RateLimited) as raised:
        await login(alora, "ana")
    assert 0 < raised.value.retry_after_seconds <= 15 * 60
    alora.clock.advance(timedelta(minutes=16))  # type: ignore[attr-defined]
    await login(alora, "ana")


async def test_suspended_user_cannot_log_in(alora: Alora) -> None:
    admin = await make_admin(alora)
    user = await verified_user(alora, "ana")
    await alora.bus.handle(c.SuspendUser(actor=admin, user_id=user.id, reason="spam"))
    with pytest.raises(AccountSuspended):
        await login(alora, "ana")


async def test_at_most_five_sessions_the_oldest_is_revoked(alora: Alora) -> None:
    await verified_user(alora, "ana")
    results = []
    for _ in range(6):
        results.append(await login(alora, "ana"))
        alora.clock.advance(timedelta(seconds=1))  # type: ignore[attr-defined]
    sessions = await alora.bus.handle(c.ListMySessions(actor=actor(results[-1])))
    assert len(sessions) == 5
    assert results[0].session_id not in {s.id for s in sessions}
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.Authenticate(access_token=results[0].access_token))


async def test_one_user_signing_in_on_many_devices_at_once(alora: Alora) -> None:
    user = await verified_user(alora, "ana")
    results = await asyncio.gather(*(login(alora, "ana") for _ in range(8)))
    assert len({r.session_id for r in results}) == 8
    sessions = await alora.bus.handle(c.ListMySessions(actor=actor(results[0])))
    assert len(sessions) == 5
    admin = await make_admin(alora)
    seen = await alora.bus.handle(c.GetUser(actor=admin, user_id=user.id))
    assert seen.last_login_at == alora.clock.now()  # type: ignore[attr-defined]


# -- devices ----------------------------------------------------------------------------------

PHONE = "Alora/2.1 (iPhone; iOS 18.1)"
LAPTOP = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"


def new_devices(events: list[DomainEvent]) -> list[NewDeviceSignedIn]:
    return [event for event in events if isinstance(event, NewDeviceSignedIn)]


async def sign_in(alora: Alora, user_agent: str, ip: str = "10.0.0.1") -> LoginResult:
    return await alora.bus.handle(
        c.Login(identifier="ana", password=PASSWORD, user_agent=user_agent, ip=ip)
    )


async def test_first_sign_in_and_known_devices_are_not_new(alora: Alora) -> None:
    await verified_user(alora, "ana")
    committed = committed_events(alora)
    await sign_in(alora, PHONE)
    await sign_in(alora, PHONE, ip="10.0.0.2")
    await sign_in(alora, f"  {PHONE.replace(' ', '   ')}\t")  # the same text, spaced out
    assert new_devices(committed) == []


async def test_a_sign_in_from_a_new_device_is_an_event(alora: Alora) -> None:
    user = await verified_user(alora, "ana")
    await sign_in(alora, PHONE)
    admin = await make_admin(alora)
    version = (await alora.bus.handle(c.GetUser(actor=admin, user_id=user.id))).version
    committed = committed_events(alora)
    alora.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    await sign_in(alora, LAPTOP, ip="203.0.113.7")
    await sign_in(alora, LAPTOP, ip="203.0.113.8")
    now = alora.clock.now()  # type: ignore[attr-defined]
    assert [(e.user_id, e.user_agent, e.ip, e.signed_in_at) for e in new_devices(committed)] == [
        (user.id, LAPTOP, "203.0.113.7", now)
    ]
    seen = await alora.bus.handle(c.GetUser(actor=admin, user_id=user.id))
    assert seen.version == version  # signing in does not touch the user's version
    assert seen.last_login_at == now


async def test_refreshing_tokens_is_no_sign_in(alora: Alora) -> None:
    await verified_user(alora, "ana")
    first = await sign_in(alora, PHONE)
    committed = committed_events(alora)
    await alora.bus.handle(
        c.RefreshSession(refresh_token=first.refresh_token, user_agent=LAPTOP, ip="10.0.0.9")
    )
    assert new_devices(committed) == []
    await sign_in(alora, LAPTOP)  # the refresh did not make the laptop known
    assert [e.user_agent for e in new_devices(committed)] == [LAPTOP]


async def test_concurrent_sign_ins_from_one_new_device_make_one_event(
    alora: Alora,
) -> None:
    await verified_user(alora, "ana")
    await sign_in(alora, PHONE)
    committed = committed_events(alora)
    results = await asyncio.gather(sign_in(alora, LAPTOP), sign_in(alora, LAPTOP))
    assert results[0].session_id != results[1].session_id
    assert len(new_devices(committed)) == 1


# -- tokens -----------------------------------------------------------------------------------


async def test_refresh_rotates_and_reuse_kills_the_family(alora: Alora) -> None:
    await verified_user(alora, "ana")
    first = await login(alora, "ana")
    second = await alora.bus.handle(c.RefreshSession(refresh_token=first.refresh_token))
    assert second.refresh_token != first.refresh_token
    assert second.session_id == first.session_id

    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.RefreshSession(refresh_token=first.refresh_token))
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.RefreshSession(refresh_token=second.refresh_token))
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.Authenticate(access_token=second.access_token))


async def test_unknown_refresh_token_is_refused(alora: Alora) -> None:
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.RefreshSession(refresh_token="made-up"))


async def test_refresh_token_expires(alora: Alora) -> None:
    await verified_user(alora, "ana")
    result = await login(alora, "ana")
    alora.clock.advance(timedelta(days=7, seconds=1))  # type: ignore[attr-defined]
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.RefreshSession(refresh_token=result.refresh_token))


async def test_access_token_expires(alora: Alora) -> None:
    await verified_user(alora, "ana")
    result = await login(alora, "ana")
    alora.clock.advance(timedelta(minutes=16))  # type: ignore[attr-defined]
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.Authenticate(access_token=result.access_token))


async def test_logout_kills_the_access_token_at_once(alora: Alora) -> None:
    await verified_user(alora, "ana")
    result = await login(alora, "ana")
    await alora.bus.handle(c.Logout(actor=actor(result)))
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.Authenticate(access_token=result.access_token))
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.RefreshSession(refresh_token=result.refresh_token))


async def test_concurrent_refreshes_with_one_token_yield_one_new_pair(alora: Alora) -> None:
    await verified_user(alora, "ana")
    result = await login(alora, "ana")
    outcomes = await asyncio.gather(
        *(alora.bus.handle(c.RefreshSession(refresh_token=result.refresh_token)) for _ in range(5)),
        return_exceptions=True,
    )
    winners = [o for o in outcomes if isinstance(o, LoginResult)]
    assert len(winners) >= 1
    assert all(isinstance(o, (LoginResult, Unauthenticated)) for o in outcomes)
    usable = []
    for winner in winners:
        try:
            await alora.bus.handle(c.Authenticate(access_token=winner.access_token))
            usable.append(winner)
        except Unauthenticated:
            pass
    assert len(usable) <= 1


# -- sessions ---------------------------------------------------------------------------------


async def test_sessions_are_listed_and_revoked_by_their_owner_only(alora: Alora) -> None:
    await verified_user(alora, "ana")
    await verified_user(alora, "bob")
    ana, bob = await login(alora, "ana"), await login(alora, "bob")
    listed = await alora.bus.handle(c.ListMySessions(actor=actor(ana)))
    assert [s.id for s in listed] == [ana.session_id]
    assert listed[0].user_agent == "pytest" and listed[0].ip == "10.0.0.1"
    with pytest.raises(NotFound):
        await alora.bus.handle(c.RevokeMySession(actor=actor(bob), session_id=ana.session_id))
    await alora.bus.handle(c.RevokeMySession(actor=actor(ana), session_id=ana.session_id))
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.Authenticate(access_token=ana.access_token))
