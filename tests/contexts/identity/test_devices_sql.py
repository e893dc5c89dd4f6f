"""The devices users signed in from (``user_devices``, ``SqlDevices``) on SQLite and PostgreSQL.

The login use case asks for them under the user's row lock; these tests call the repository
without it, so its own answer to concurrent sign-ins is what is checked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.identity.tables import devices_table
from adapters.sqlalchemy.identity.uow import SqlIdentityUnitOfWork
from alora_core.identity.model import Device, User
from contexts.identity.records import NOW, add_all, make_user

PHONE = Device.of("Alora/2.1 (iPhone; iOS 18.1)")
LAPTOP = Device.of("Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0")


@pytest.fixture
async def user(new_uow: Callable[[], SqlIdentityUnitOfWork]) -> User:
    user = make_user()
    await add_all(new_uow(), user)
    return user


async def remember(
    uow: SqlIdentityUnitOfWork, user: User, device: Device, ip: str = "10.0.0.1", at: datetime = NOW
) -> bool:
    async with uow:
        is_new = await uow.devices.remember(user.id, device, ip, at)
        await uow.commit()
    return is_new


async def device_rows(engine: AsyncEngine) -> list[dict[str, object]]:
    async with engine.connect() as connection:
        result = await connection.execute(select(devices_table).order_by("first_seen_at"))
        return [dict(row._mapping) for row in result]


async def test_new_then_known_and_the_row_keeps_first_and_last_sight(
    engine: AsyncEngine, new_uow: Callable[[], SqlIdentityUnitOfWork], user: User
) -> None:
    assert await remember(new_uow(), user, PHONE)
    later = NOW + timedelta(hours=3)
    assert not await remember(new_uow(), user, PHONE, ip="203.0.113.7", at=later)
    assert await remember(new_uow(), user, LAPTOP, at=later)
    rows = await device_rows(engine)
    assert [(r["device_hash"], r["user_agent"]) for r in rows] == [
        (PHONE.hash, PHONE.user_agent),
        (LAPTOP.hash, LAPTOP.user_agent),
    ]
    assert (rows[0]["first_seen_at"], rows[0]["last_seen_at"], rows[0]["last_ip"]) == (
        NOW,
        later,
        "203.0.113.7",
    )
    uow = new_uow()
    async with uow.reading():
        assert await uow.devices.count(user.id) == 2


async def test_one_unit_of_work_sees_the_device_it_remembered(
    engine: AsyncEngine, new_uow: Callable[[], SqlIdentityUnitOfWork], user: User
) -> None:
    uow = new_uow()
    async with uow:
        assert await uow.devices.remember(user.id, PHONE, "10.0.0.1", NOW)
        assert not await uow.devices.remember(user.id, PHONE, "10.0.0.2", NOW)
        assert await uow.devices.count(user.id) == 1
    assert await device_rows(engine) == []  # rolled back


async def test_concurrent_first_sights_of_one_device_one_is_new(
    engine: AsyncEngine, new_uow: Callable[[], SqlIdentityUnitOfWork], user: User
) -> None:
    """Both start before either has written; PostgreSQL makes the later insert wait for the
    earlier commit, SQLite queues the second transaction (BEGIN IMMEDIATE)."""
    start = asyncio.Barrier(4)

    async def sign_in(i: int) -> bool:
        uow = new_uow()
        async with uow:
            await start.wait()
            is_new = await uow.devices.remember(user.id, PHONE, f"10.0.0.{i}", NOW)
            await uow.commit()
        return is_new

    outcomes = await asyncio.gather(*(sign_in(i) for i in range(4)))
    assert sorted(outcomes) == [False, False, False, True]
    assert len(await device_rows(engine)) == 1


async def test_devices_go_with_their_user(
    engine: AsyncEngine, new_uow: Callable[[], SqlIdentityUnitOfWork], user: User
) -> None:
    await remember(new_uow(), user, PHONE)
    await remember(new_uow(), user, LAPTOP)
    uow = new_uow()
    async with uow:
        loaded = await uow.users.get(user.id)
        assert loaded is not None
        await uow.users.delete(loaded)
        await uow.commit()
    assert await device_rows(engine) == []
