"""Remembered devices: the ``Device`` value and the in-memory adapter (``MemoryDevices``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.memory.identity.uow import MemoryIdentityUnitOfWork
from adapters.memory.store import MemoryStore
from alora_core.identity.model import MAX_USER_AGENT_LENGTH, Device, Role, User
from entrypoints.bootstrap import memory_store

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
PHONE = Device.of("Alora/2.1 (iPhone; iOS 18.1)")
LAPTOP = Device.of("Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0")


def test_a_device_is_its_user_agent_cleaned_and_capped() -> None:
    assert Device.of("  Alora/2.1\t(iPhone;\x00 iOS 18.1)\n") == PHONE
    assert PHONE.user_agent == "Alora/2.1 (iPhone; iOS 18.1)"
    assert len(PHONE.hash) == 64 and PHONE.hash != LAPTOP.hash
    long = Device.of("x" * 5000)
    assert len(long.user_agent) == MAX_USER_AGENT_LENGTH
    assert long == Device.of("x" * 600)
    assert Device.of("").user_agent == ""


async def add_user(store: MemoryStore) -> User:
    user = User(
        full_name="Ana Example",
        username="ana",
        email="ana@example.com",
        phone=None,
        password_hash="hash",
        role=Role.CUSTOMER,
        created_at=NOW,
    )
    async with MemoryIdentityUnitOfWork(store) as uow:
        await uow.users.add(user)
        await uow.commit()
    return user


async def remember(store: MemoryStore, user: User, device: Device, ip: str, at: datetime) -> bool:
    async with MemoryIdentityUnitOfWork(store) as uow:
        is_new = await uow.devices.remember(user.id, device, ip, at)
        await uow.commit()
    return is_new


async def test_new_then_known_and_the_row_keeps_first_and_last_sight() -> None:
    store = memory_store()
    user = await add_user(store)
    later = NOW + timedelta(hours=3)
    assert await remember(store, user, PHONE, "10.0.0.1", NOW)
    assert not await remember(store, user, PHONE, "203.0.113.7", later)
    assert await remember(store, user, LAPTOP, "10.0.0.1", later)
    (phone,) = [row for row in store.rows("devices").values() if row.device_hash == PHONE.hash]
    assert (phone.user_agent, phone.first_seen_at, phone.last_seen_at, phone.last_ip) == (
        PHONE.user_agent,
        NOW,
        later,
        "203.0.113.7",
    )
    async with MemoryIdentityUnitOfWork(store).reading() as uow:
        assert await uow.devices.count(user.id) == 2


async def test_one_unit_of_work_sees_the_device_it_remembered_and_rollback_forgets_it() -> None:
    store = memory_store()
    user = await add_user(store)
    async with MemoryIdentityUnitOfWork(store) as uow:
        assert await uow.devices.remember(user.id, PHONE, "10.0.0.1", NOW)
        assert not await uow.devices.remember(user.id, PHONE, "10.0.0.2", NOW)
        assert await uow.devices.count(user.id) == 1
    assert store.rows("devices") == {}


async def test_devices_go_with_their_user() -> None:
    store = memory_store()
    user = await add_user(store)
    await remember(store, user, PHONE, "10.0.0.1", NOW)
    async with MemoryIdentityUnitOfWork(store) as uow:
        loaded = await uow.users.get(user.id)
        assert loaded is not None
        await uow.users.delete(loaded)
        await uow.commit()
    assert store.rows("devices") == {}
