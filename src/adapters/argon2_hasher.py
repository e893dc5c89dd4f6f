"""argon2id password hashing, run in worker threads with a bound on concurrent hashes."""

from __future__ import annotations

import asyncio
import os
import secrets
import threading
import weakref
from collections.abc import Callable
from typing import TypeVar

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

_T = TypeVar("_T")


def _encode(password: str) -> bytes:
    # "surrogatepass" so a lone surrogate from a JSON body cannot make hashing raise.
    return password.encode("utf-8", "surrogatepass")


def default_concurrency() -> int:
    """Hashes at a time: one core fewer than the machine has (at least one), so the event loop
    keeps a core to itself and requests that do not hash stay fast while logins queue."""
    return max(1, (os.cpu_count() or 1) - 1)


class Argon2PasswordHasher:
    """The production ``PasswordHasher``: argon2id, OWASP's minimum parameters by default."""

    def __init__(
        self,
        memory_kib: int = 19456,
        time_cost: int = 2,
        parallelism: int = 1,
        *,
        max_concurrent: int | None = None,
    ) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_kib,
            parallelism=parallelism,
            hash_len=32,
            salt_len=16,
            type=Type.ID,
        )
        self._max_concurrent = max_concurrent or default_concurrency()
        # asyncio primitives belong to one event loop; keep one semaphore per running loop.
        self._semaphores: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, asyncio.Semaphore
        ] = weakref.WeakKeyDictionary()
        self._dummy_hash: str | None = None
        self._dummy_lock = threading.Lock()

    @property
    def max_concurrent(self) -> int:
        return self._max_concurrent

    async def hash(self, password: str) -> str:
        return await self._run(self._hasher.hash, _encode(password))

    async def verify(self, password_hash: str, password: str) -> bool:
        return await self._run(self._verify_sync, password_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except (InvalidHashError, ValueError):
            return True

    async def verify_dummy(self, password: str) -> None:
        await self._run(self._verify_dummy_sync, password)

    def _verify_sync(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, _encode(password))
        except (VerificationError, InvalidHashError, ValueError, TypeError):
            return False

    def _verify_dummy_sync(self, password: str) -> None:
        with self._dummy_lock:
            if self._dummy_hash is None:
                self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(32))
            dummy = self._dummy_hash
        self._verify_sync(dummy, password)

    async def _run(self, func: Callable[..., _T], *args: object) -> _T:
        async with self._semaphore():
            return await asyncio.to_thread(func, *args)

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self._max_concurrent)
        return semaphore
