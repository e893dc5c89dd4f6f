import re

import pytest

from adapters.memory.hasher import FastPasswordHasher


@pytest.fixture
def hasher() -> FastPasswordHasher:
    return FastPasswordHasher()


async def test_hash_has_the_fast_format_and_verifies(hasher: FastPasswordHasher) -> None:
    password_hash = await hasher.hash("correct horse")

    assert re.fullmatch(r"fast\$[0-9a-f]+\$[0-9a-f]{64}", password_hash)
    assert await hasher.verify(password_hash, "correct horse")
    assert not await hasher.verify(password_hash, "correct horse ")


async def test_salts_make_equal_passwords_hash_differently(hasher: FastPasswordHasher) -> None:
    assert await hasher.hash("same") != await hasher.hash("same")


@pytest.mark.parametrize(
    "malformed",
    [
        "",
        "fast",
        "fast$$",
        "fast$abcd",
        "fast$abcd$" + "0" * 63,
        "fast$abcd$" + "é" * 64,
        "fast$zz$" + "0" * 64,
        "slow$abcd$" + "0" * 64,
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
    ],
)
async def test_malformed_hashes_never_verify_and_need_rehash(
    hasher: FastPasswordHasher, malformed: str
) -> None:
    assert await hasher.verify(malformed, "anything") is False
    assert hasher.needs_rehash(malformed)


async def test_own_hashes_do_not_need_rehash(hasher: FastPasswordHasher) -> None:
    assert not hasher.needs_rehash(await hasher.hash("pw"))


async def test_lone_surrogates_are_hashed_not_raised(hasher: FastPasswordHasher) -> None:
    password_hash = await hasher.hash("\ud800pw")

    assert await hasher.verify(password_hash, "\ud800pw")
    assert not await hasher.verify(password_hash, "pw")


async def test_verify_dummy_completes_without_error(hasher: FastPasswordHasher) -> None:
    await hasher.verify_dummy("whatever")
