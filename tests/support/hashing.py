"""``CountingHasher``: the fast test hasher, counting the work asked of it, so tests can check
that two paths of a use case hash and verify alike without measuring time."""

from __future__ import annotations

from collections import Counter

from adapters.memory.hasher import FastPasswordHasher


class CountingHasher(FastPasswordHasher):
    def __init__(self) -> None:
        super().__init__()
        self.calls: Counter[str] = Counter()

    async def hash(self, password: str) -> str:
        self.calls["hash"] += 1
        return await super().hash(password)

    async def verify(self, password_hash: str, password: str) -> bool:
        self.calls["verify"] += 1
        return await super().verify(password_hash, password)

    async def verify_dummy(self, password: str) -> None:
        await super().verify_dummy(password)  # runs ``self.verify``: counted as one verify

    def taken(self) -> Counter[str]:
        """The calls since the last time this was asked."""
        calls, self.calls = self.calls, Counter()
        return calls
