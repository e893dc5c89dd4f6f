"""Every way access ends takes effect on the next request, though that user's session was just
answered from the signed-in cache (``Authenticate`` twice first: the second is a cache hit)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from alora_core.identity import commands as c
from alora_core.identity.model import Role
from alora_core.identity.use_cases import LoginResult
from alora_core.shared.actor import Actor
from alora_core.shared.errors import Unauthenticated
from entrypoints.bootstrap import Alora
from support.accounts import PASSWORD, actor, login, make_admin, verified_user

Revoke = Callable[[Alora, LoginResult, Actor], Awaitable[object]]


async def _logout(alora: Alora, signed_in: LoginResult, admin: Actor) -> object:
    return await alora.bus.handle(c.Logout(actor=actor(signed_in)))


async def _change_password(alora: Alora, signed_in: LoginResult, admin: Actor) -> object:
    other = await login(alora, "ana")  # the password is changed from another device
    return await alora.bus.handle(
        c.ChangePassword(
            actor=actor(other), current_password=PASSWORD, new_password="a whole new passphrase"
        )
    )


async def _revoke_own(alora: Alora, signed_in: LoginResult, admin: Actor) -> object:
    other = await login(alora, "ana")
    return await alora.bus.handle(
        c.RevokeMySession(actor=actor(other), session_id=signed_in.session_id)
    )


async def _admin_revoke(alora: Alora, signed_in: LoginResult, admin: Actor) -> object:
    return await alora.bus.handle(
        c.AdminRevokeSession(actor=admin, session_id=signed_in.session_id)
    )


async def _suspend(alora: Alora, signed_in: LoginResult, admin: Actor) -> object:
    return await alora.bus.handle(c.SuspendUser(actor=admin, user_id=signed_in.user.id))


async def _delete(alora: Alora, signed_in: LoginResult, admin: Actor) -> object:
    return await alora.bus.handle(c.DeleteUser(actor=admin, user_id=signed_in.user.id))


async def _reuse_refresh_token(alora: Alora, signed_in: LoginResult, admin: Actor) -> object:
    await alora.bus.handle(c.RefreshSession(refresh_token=signed_in.refresh_token))
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.RefreshSession(refresh_token=signed_in.refresh_token))
    return None


@pytest.mark.parametrize(
    "revoke",
    [
        _logout,
        _change_password,
        _revoke_own,
        _admin_revoke,
        _suspend,
        _delete,
        _reuse_refresh_token,
    ],
)
async def test_access_ends_on_the_next_request(alora: Alora, revoke: Revoke) -> None:
    admin = await make_admin(alora)
    await verified_user(alora, "ana")
    signed_in = await login(alora, "ana")
    for _ in range(2):
        await alora.bus.handle(c.Authenticate(access_token=signed_in.access_token))
    await revoke(alora, signed_in, admin)
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.Authenticate(access_token=signed_in.access_token))


async def test_a_role_or_profile_change_shows_on_the_next_request(alora: Alora) -> None:
    admin = await make_admin(alora)
    await verified_user(alora, "ana")
    signed_in = await login(alora, "ana")
    for _ in range(2):
        await alora.bus.handle(c.Authenticate(access_token=signed_in.access_token))
    await alora.bus.handle(
        c.AdminUpdateUser(
            actor=admin,
            user_id=signed_in.user.id,
            changes={"role": Role.PROFESSIONAL, "full_name": "Ana Renamed"},
        )
    )
    principal = await alora.bus.handle(c.Authenticate(access_token=signed_in.access_token))
    assert principal.user.role is Role.PROFESSIONAL
    assert principal.user.full_name == "Ana Renamed"
    await alora.bus.handle(
        c.UpdateProfile(actor=principal.actor, changes={"full_name": "Ana Again"})
    )
    principal = await alora.bus.handle(c.Authenticate(access_token=signed_in.access_token))
    assert principal.user.full_name == "Ana Again"
