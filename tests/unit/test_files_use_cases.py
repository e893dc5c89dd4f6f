"""The files use-case suite, in memory; and what a failing storage does to the purge of a
deleted account's bytes."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from adapters.storage.memory import MemoryFileStorage
from adapters.memory.hasher import FastPasswordHasher
from adapters.memory.uow import MemoryStore, MemoryUnitOfWork
from alora_core.files import commands as c
from alora_core.shared.storage import StorageUnavailable
from alora_core.identity.commands import DeleteUser
from alora_core.shared.clock import FixedClock
from alora_core.shared.operations import ListDeadJobs, RetryDeadJob
from entrypoints.bootstrap import Alora, build_in_memory
from suites.files_use_cases import *  # noqa: F403
from suites.files_use_cases import PNG, acting, chunks
from suites.identity_use_cases import make_admin, register


@pytest.fixture
def uow_factory() -> Callable[[], MemoryUnitOfWork]:
    store = MemoryStore()
    return lambda: MemoryUnitOfWork(store)


@pytest.fixture
def alora() -> Alora:
    return build_in_memory(clock=FixedClock(), hasher=FastPasswordHasher())


class UnreachableForPurges(MemoryFileStorage):
    """Stores and reads, but cannot delete an owner's contents while ``down``."""

    down = True

    async def delete_owned(self, owner_id: uuid.UUID) -> int:
        if self.down:
            raise StorageUnavailable("the file storage is unavailable; try again later")
        return await super().delete_owned(owner_id)


async def test_a_purge_the_storage_fails_is_kept_to_be_retried() -> None:
    storage = UnreachableForPurges()
    alora = build_in_memory(
        clock=FixedClock(), hasher=FastPasswordHasher(), storage=storage, max_job_attempts=2
    )
    admin = await make_admin(alora)
    ann = await register(alora, "ann")
    file = await alora.bus.handle(
        c.UploadFile(actor=acting(ann.id), content=chunks(PNG), filename="a.png", public=False)
    )
    await alora.bus.handle(DeleteUser(actor=admin, user_id=ann.id))
    assert await storage.exists(file.storage_key)  # the account is gone, its bytes not yet
    [dead] = (await alora.bus.handle(ListDeadJobs(actor=admin))).items
    assert (dead.handler, dead.attempts) == ("files.purge_deleted_owner", 2)
    storage.down = False
    await alora.bus.handle(RetryDeadJob(actor=admin, dead_job_id=dead.id))
    await alora.jobs_added([])  # as the retry route does: the relay runs it now
    assert await storage.exists(file.storage_key) is False
