"""Administration of users, their sessions and the audit log (``alora`` fixture:
``conftest.py``)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from alora_core.identity import commands as c
from alora_core.identity.errors import InvalidCredentials
from alora_core.identity.model import Role
from alora_core.shared.errors import Conflict, Forbidden, NotFound, Unauthenticated
from entrypoints.bootstrap import Alora
from support.accounts import actor, login, make_admin, register, verified_user


async def test_admin_routes_refuse_non_admins(alora: Alora) -> None:
    await verified_user(alora, "ana")
    me = actor(await login(alora, "ana"))
    for command in (
        c.ListUsers(actor=me),
        c.GetUser(actor=me, user_id=me.user_id),
        c.SuspendUser(actor=me, user_id=me.user_id),
        c.ListSessions(actor=me),
        c.ListAuditLog(actor=me),
        c.DeleteUser(actor=me, user_id=me.user_id),
        c.AdminUpdateUser(actor=me, user_id=me.user_id, changes={"role": "admin"}),
    ):
        with pytest.raises(Forbidden):
            await alora.bus.handle(command)


async def test_admin_lists_searches_and_pages_users(alora: Alora) -> None:
    admin = await make_admin(alora)
    for name in ("ana", "bob", "cleo"):
        await register(alora, name, role="professional" if name == "bob" else "customer")
        alora.clock.advance(timedelta(seconds=1))  # type: ignore[attr-defined]
    page = await alora.bus.handle(c.ListUsers(actor=admin, page_size=2))
    assert (page.total, len(page.items), page.pages) == (4, 2, 2)
    assert page.items[0].username == "cleo"
    pros = await alora.bus.handle(c.ListUsers(actor=admin, role=Role.PROFESSIONAL))
    assert [u.username for u in pros.items] == ["bob"]
    found = await alora.bus.handle(c.ListUsers(actor=admin, text="CLEO"))
    assert [u.username for u in found.items] == ["cleo"]
    none = await alora.bus.handle(c.ListUsers(actor=admin, text="%"))
    assert none.total == 0


async def test_admin_updates_suspends_deletes_and_audits(alora: Alora) -> None:
    admin = await make_admin(alora)
    user = await verified_user(alora, "ana")
    session = await login(alora, "ana")
    updated = await alora.bus.handle(
        c.AdminUpdateUser(
            actor=admin, user_id=user.id, changes={"role": "professional", "full_name": "Ana Pro"}
        )
    )
    assert updated.role is Role.PROFESSIONAL and updated.full_name == "Ana Pro"
    with pytest.raises(Conflict):
        await alora.bus.handle(
            c.AdminUpdateUser(actor=admin, user_id=admin.user_id, changes={"role": "customer"})
        )
    with pytest.raises(Conflict):
        await alora.bus.handle(
            c.AdminUpdateUser(actor=admin, user_id=admin.user_id, changes={"email_verified": False})
        )
    await alora.bus.handle(c.SuspendUser(actor=admin, user_id=user.id, reason="spam"))
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.Authenticate(access_token=session.access_token))
    with pytest.raises(Conflict):
        await alora.bus.handle(c.SuspendUser(actor=admin, user_id=user.id))
    await alora.bus.handle(c.UnsuspendUser(actor=admin, user_id=user.id))
    await login(alora, "ana")
    await alora.bus.handle(c.DeleteUser(actor=admin, user_id=user.id))
    with pytest.raises(NotFound):
        await alora.bus.handle(c.GetUser(actor=admin, user_id=user.id))
    with pytest.raises(InvalidCredentials):
        await login(alora, "ana")
    log = await alora.bus.handle(c.ListAuditLog(actor=admin))
    assert [e.action for e in log.items] == [
        "user.delete",
        "user.unsuspend",
        "user.suspend",
        "user.update",
    ]
    assert all(e.actor_id == admin.user_id for e in log.items)
    assert log.items[-1].target_id == str(user.id)


async def test_admin_sessions(alora: Alora) -> None:
    admin = await make_admin(alora)
    await verified_user(alora, "ana")
    session = await login(alora, "ana")
    listed = await alora.bus.handle(c.ListSessions(actor=admin, user_id=session.user.id))
    assert [s.id for s in listed.items] == [session.session_id]
    await alora.bus.handle(c.AdminRevokeSession(actor=admin, session_id=session.session_id))
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.Authenticate(access_token=session.access_token))
    with pytest.raises(NotFound):
        await alora.bus.handle(c.AdminRevokeSession(actor=admin, session_id=session.session_id))
    assert (await alora.bus.handle(c.ListAuditLog(actor=admin, action="session.revoke"))).total == 1


async def test_admin_cannot_delete_or_suspend_themselves(alora: Alora) -> None:
    admin = await make_admin(alora)
    with pytest.raises(Conflict):
        await alora.bus.handle(c.DeleteUser(actor=admin, user_id=admin.user_id))
    with pytest.raises(Conflict):
        await alora.bus.handle(c.SuspendUser(actor=admin, user_id=admin.user_id))


async def test_unknown_ids_are_not_found(alora: Alora) -> None:
    admin = await make_admin(alora)
    for command in (
        c.GetUser(actor=admin, user_id=uuid.uuid4()),
        c.SuspendUser(actor=admin, user_id=uuid.uuid4()),
        c.DeleteUser(actor=admin, user_id=uuid.uuid4()),
        c.AdminRevokeSession(actor=admin, session_id=uuid.uuid4()),
    ):
        with pytest.raises(NotFound):
            await alora.bus.handle(command)
