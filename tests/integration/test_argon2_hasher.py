"""The real argon2id hasher; the behaviour contract also runs against the fast fake."""

import asyncio
import os
import re
import threading
import time
from collections.abc import Callable

import argon2
import pytest

from adapters.argon2_hasher import Argon2PasswordHasher
from adapters.memory.hasher import FastPasswordHasher
from alora_core.identity.ports import PasswordHasher

HASHERS: dict[str, Callable[[], PasswordHasher]] = {
    "argon2": Argon2PasswordHasher,
    "fast": FastPasswordHasher,
}


def weak_argon2(**kwargs: int) -> Argon2PasswordHasher:
    return Argon2PasswordHasher(memory_kib=64, time_cost=1, **kwargs)


@pytest.fixture(params=sorted(HASHERS))
def any_hasher(request: pytest.FixtureRequest) -> PasswordHasher:
    return HASHERS[request.param]()


class TestContract:
    async def test_a_hash_verifies_its_password_only(self, any_hasher: PasswordHasher) -> None:
        password_hash = await any_hasher.hash("correct horse battery staple")

        assert "correct horse" not in password_hash
        assert await any_hasher.verify(password_hash, "correct horse battery staple") is True
        assert await any_hasher.verify(password_hash, "Correct horse battery staple") is False
        assert await any_hasher.verify(password_hash, "") is False

    async def test_equal_passwords_hash_differently(self, any_hasher: PasswordHasher) -> None:
        assert await any_hasher.hash("same") != await any_hasher.hash("same")

    @pytest.mark.parametrize(
        "malformed",
        [
            "",
            "not a hash",
            "$argon2id$v=19$m=19456,t=2,p=1$bad$bad",
            "$2b$12$C6UzMDM.H6dfI/f/IKcEeO5Q6n4Qh3uI8V0r0N9G2rG4iE4v3fG1e",
            "fast$zz$" + "0" * 64,
            "\ud800",
        ],
    )
    async def test_malformed_hashes_verify_false_and_need_rehash(
        self, any_hasher: PasswordHasher, malformed: str
    ) -> None:
        assert await any_hasher.verify(malformed, "password") is False
        assert any_hasher.needs_rehash(malformed) is True

    async def test_fresh_hashes_need_no_rehash(self, any_hasher: PasswordHasher) -> None:
        assert any_hasher.needs_rehash(await any_hasher.hash("pw")) is False

    async def test_unicode_and_lone_surrogates_never_raise(
        self, any_hasher: PasswordHasher
    ) -> None:
        for password in ["pässwörd ✓", "\ud800x"]:
            password_hash = await any_hasher.hash(password)
            assert await any_hasher.verify(password_hash, password) is True
            assert await any_hasher.verify(password_hash, password + "!") is False

    async def test_verify_dummy_completes_without_error(self, any_hasher: PasswordHasher) -> None:
        await any_hasher.verify_dummy("a guess")
        await any_hasher.verify_dummy("")


async def test_hashes_are_argon2id_with_at_least_owasp_parameters() -> None:
    password_hash = await Argon2PasswordHasher().hash("pw")

    match = re.fullmatch(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[^$]+\$[^$]+", password_hash)
    assert match is not None
    memory_kib, time_cost, parallelism = map(int, match.groups())
    assert memory_kib >= 19 * 1024
    assert time_cost >= 2
    assert parallelism >= 1


async def test_weaker_or_other_type_hashes_need_rehash_but_still_verify() -> None:
    hasher = Argon2PasswordHasher()
    weak_hash = await weak_argon2().hash("pw")
    argon2i_hash = argon2.PasswordHasher(type=argon2.Type.I).hash("pw")

    assert hasher.needs_rehash(weak_hash)
    assert hasher.needs_rehash(argon2i_hash)
    assert await hasher.verify(weak_hash, "pw")
    assert await hasher.verify(argon2i_hash, "pw")


async def test_hashing_does_not_block_the_event_loop() -> None:
    hasher = Argon2PasswordHasher(max_concurrent=4)
    ticks = 0
    hashing = True

    async def ticker() -> None:
        nonlocal ticks
        while hashing:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    start = ticks
    await asyncio.gather(*(hasher.hash(f"password {i}") for i in range(4)))
    during = ticks - start
    hashing = False
    await task

    # Hashing on the loop would let the ticker run at most once between hashes.
    assert during >= 10


async def test_concurrent_hashes_are_bounded_by_the_semaphore(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hasher = weak_argon2(max_concurrent=2)
    inner = argon2.PasswordHasher.hash
    lock = threading.Lock()
    running = 0
    peak = 0

    def tracking_hash(self: argon2.PasswordHasher, password: bytes, **kw: object) -> str:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        try:
            time.sleep(0.01)  # widen the window in which overlaps would show
            return inner(self, password)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(argon2.PasswordHasher, "hash", tracking_hash)

    hashes = await asyncio.gather(*(hasher.hash(str(i)) for i in range(8)))

    assert len(set(hashes)) == 8
    assert 1 <= peak <= 2


def test_default_bound_leaves_a_core_to_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    for cores, bound in ((None, 1), (1, 1), (2, 1), (8, 7)):
        monkeypatch.setattr(os, "cpu_count", lambda cores=cores: cores)
        assert Argon2PasswordHasher().max_concurrent == bound


async def test_the_dummy_hash_is_computed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    hasher = weak_argon2()
    inner = argon2.PasswordHasher.hash
    calls = 0

    def counting_hash(self: argon2.PasswordHasher, password: bytes, **kw: object) -> str:
        nonlocal calls
        calls += 1
        return inner(self, password)

    monkeypatch.setattr(argon2.PasswordHasher, "hash", counting_hash)

    await asyncio.gather(*(hasher.verify_dummy("guess") for _ in range(5)))
    await hasher.verify_dummy("guess")

    assert calls == 1


def test_one_hasher_serves_several_event_loops() -> None:
    hasher = weak_argon2(max_concurrent=1)

    async def contended_round_trip() -> bool:
        hashes = await asyncio.gather(hasher.hash("a"), hasher.hash("b"))
        return all(
            await asyncio.gather(hasher.verify(hashes[0], "a"), hasher.verify(hashes[1], "b"))
        )

    assert asyncio.run(contended_round_trip())
    assert asyncio.run(contended_round_trip())
