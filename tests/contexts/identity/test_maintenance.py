"""Identity housekeeping (the scheduled cleanups), driven through the message bus on every
backend (the ``alora`` fixture of ``conftest.py``)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from alora_core.identity import commands as c
from alora_core.shared.errors import Invalid, Unauthenticated
from entrypoints.bootstrap import Alora
from support.accounts import actor, last_code, login, register, verified_user


async def purge_codes(alora: Alora) -> int:
    deleted: int = await alora.bus.handle(c.PurgeExpiredCodes())
    return deleted


async def purge_sessions(alora: Alora) -> int:
    deleted: int = await alora.bus.handle(c.PurgeEndedSessions())
    return deleted


def advance(alora: Alora, delta: timedelta) -> None:
    alora.clock.advance(delta)  # type: ignore[attr-defined]


async def refresh(alora: Alora, token: str):
    return await alora.bus.handle(c.RefreshSession(refresh_token=token))


async def test_expired_codes_go_and_live_ones_stay(alora: Alora) -> None:
    ana = await register(alora, "ana")
    advance(alora, timedelta(minutes=10))
    bob = await register(alora, "bob")
    advance(alora, timedelta(minutes=6))  # ana's code expired a minute ago; bob's is live

    assert await purge_codes(alora) == 1
    assert await purge_codes(alora) == 0

    await alora.bus.handle(c.VerifyEmail(email=bob.email, code=last_code(alora, bob.email)))
    with pytest.raises(Invalid, match="request a new one"):
        await alora.bus.handle(c.VerifyEmail(email=ana.email, code=last_code(alora, ana.email)))


async def test_used_up_codes_go_once_a_new_one_may_be_asked_for(alora: Alora) -> None:
    ana = await register(alora, "ana")
    code = last_code(alora, ana.email)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(Invalid):
            await alora.bus.handle(c.VerifyEmail(email=ana.email, code=wrong))

    # Kept through the resend cooldown, which counts from the latest code.
    assert await purge_codes(alora) == 0
    advance(alora, timedelta(seconds=61))
    assert await purge_codes(alora) == 1

    await alora.bus.handle(c.ResendVerification(email=ana.email))
    fresh = last_code(alora, ana.email)
    await alora.bus.handle(c.VerifyEmail(email=ana.email, code=fresh))


async def test_revoked_sessions_stay_a_day_then_go_with_their_tokens(alora: Alora) -> None:
    await verified_user(alora, "ana")
    live = await login(alora, "ana")
    ended = await login(alora, "ana")
    await alora.bus.handle(c.Logout(actor=actor(ended)))

    assert await purge_sessions(alora) == 0
    with pytest.raises(Unauthenticated, match="ended"):
        await refresh(alora, ended.refresh_token)

    advance(alora, timedelta(days=1, seconds=1))
    assert await purge_sessions(alora) == 1
    assert await purge_sessions(alora) == 0
    with pytest.raises(Unauthenticated, match="not valid"):
        await refresh(alora, ended.refresh_token)
    renewed = await refresh(alora, live.refresh_token)
    assert renewed.session_id == live.session_id


async def test_expired_sessions_stay_a_day_then_go(alora: Alora) -> None:
    await verified_user(alora, "ana")
    session = await login(alora, "ana")
    advance(alora, timedelta(days=7, hours=1))  # the refresh lifetime is 7 days

    assert await purge_sessions(alora) == 0
    with pytest.raises(Unauthenticated, match="ended"):
        await refresh(alora, session.refresh_token)

    advance(alora, timedelta(days=1))
    assert await purge_sessions(alora) == 1
    with pytest.raises(Unauthenticated, match="not valid"):
        await refresh(alora, session.refresh_token)


async def test_cleanups_running_twice_at_once_delete_each_row_once(alora: Alora) -> None:
    for name in ("ana", "bob", "cyd"):
        await verified_user(alora, name)
        await alora.bus.handle(c.Logout(actor=actor(await login(alora, name))))
    await register(alora, "dan")  # an unverified account keeps its (soon expired) code
    advance(alora, timedelta(days=1, minutes=1))

    assert sum(await asyncio.gather(purge_sessions(alora), purge_sessions(alora))) == 3
    assert sum(await asyncio.gather(purge_codes(alora), purge_codes(alora))) == 1
    assert await purge_sessions(alora) == 0
    assert await purge_codes(alora) == 0


async def test_keep_ended_may_not_be_negative(alora: Alora) -> None:
    with pytest.raises(Invalid):
        await alora.bus.handle(c.PurgeEndedSessions(keep_ended=timedelta(seconds=-1)))
