"""Identifiers that only look like others: fullwidth forms are the same identifier, a mix of
scripts is refused, and a skeleton shared with an account is taken (``alora`` fixture:
``conftest.py``). Look-alike letters are written as escapes so the source shows them."""

from __future__ import annotations

import pytest

from alora_core.identity import commands as c
from alora_core.shared.errors import Conflict, Invalid
from entrypoints.bootstrap import Alora
from support.accounts import login, make_admin, register, verified_user

CYRILLIC_A = "\u0430"
CYRILLIC_KOMI_DE = "\u0501"  # looks like d
FULLWIDTH_ADA = "\uff41\uff44\uff41"


def codes(raised: pytest.ExceptionInfo[Invalid]) -> list[tuple[str, str]]:
    return [(error.field, error.code) for error in raised.value.errors]


async def test_a_fullwidth_email_is_the_same_email(alora: Alora) -> None:
    await register(alora, "ada")
    with pytest.raises(Conflict) as raised:
        await register(alora, "bob", email=f"{FULLWIDTH_ADA}@example.com")
    assert (raised.value.field, raised.value.detail) == (
        "email",
        "an account with this email already exists",
    )


async def test_a_fullwidth_username_is_the_same_username(alora: Alora) -> None:
    await register(alora, "ada")
    with pytest.raises(Conflict) as raised:
        await register(alora, "bob", username=FULLWIDTH_ADA.upper())
    assert raised.value.field == "username"


async def test_fullwidth_and_upper_case_sign_in_finds_the_account(alora: Alora) -> None:
    ada = await verified_user(alora, "ada")
    for identifier in (f"{FULLWIDTH_ADA.upper()}@EXAMPLE.COM", FULLWIDTH_ADA):
        assert (await login(alora, identifier)).user.id == ada.id
    stored = await register(alora, "bea", email="\uff22\uff25\uff21@Example.com")
    assert stored.email == "bea@example.com"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", f"{CYRILLIC_A}da@example.com"),
        ("email", f"ad{CYRILLIC_A}.lovelace@example.com"),
        ("username", f"{CYRILLIC_A}da"),
        ("username", f"ad{CYRILLIC_A}_99"),
    ],
)
async def test_a_mix_of_scripts_is_refused(alora: Alora, field: str, value: str) -> None:
    with pytest.raises(Invalid) as raised:
        await register(alora, "ada", **{field: value})
    assert codes(raised) == [(field, "mixed-script")]


async def test_an_email_that_only_looks_like_a_registered_one_is_taken(alora: Alora) -> None:
    await register(alora, "ada")
    all_cyrillic = f"{CYRILLIC_A}{CYRILLIC_KOMI_DE}{CYRILLIC_A}@example.com"
    with pytest.raises(Conflict) as raised:
        await register(alora, "bob", email=all_cyrillic)
    assert (raised.value.field, raised.value.detail) == (
        "email",
        "an account with this email already exists",
    )
    # and the other way round: the Latin address of a Cyrillic account is taken too
    await register(alora, "cyril", email=f"{CYRILLIC_A}{CYRILLIC_KOMI_DE}{CYRILLIC_A}@example.org")
    with pytest.raises(Conflict):
        await register(alora, "dan", email="ada@example.org")


async def test_a_username_that_only_looks_like_a_registered_one_is_taken(alora: Alora) -> None:
    await register(alora, "modern", username="modern")
    await register(alora, "user1", username="user1")
    for look_alike in ("rnodern", "userl"):
        with pytest.raises(Conflict) as raised:
            await register(alora, "bob", username=look_alike)
        assert raised.value.field == "username"


async def test_administrators_cannot_give_a_user_a_look_alike(alora: Alora) -> None:
    admin = await make_admin(alora)
    await register(alora, "ada")
    bob = await register(alora, "bob")
    for changes in (
        {"email": f"{CYRILLIC_A}{CYRILLIC_KOMI_DE}{CYRILLIC_A}@example.com"},
        {"username": "\uff41\uff44\uff41"},
    ):
        with pytest.raises(Conflict):
            await alora.bus.handle(c.AdminUpdateUser(actor=admin, user_id=bob.id, changes=changes))
    with pytest.raises(Invalid) as raised:
        await alora.bus.handle(
            c.AdminUpdateUser(actor=admin, user_id=bob.id, changes={"username": f"b{CYRILLIC_A}b"})
        )
    assert codes(raised) == [("username", "mixed-script")]

    renamed = await alora.bus.handle(
        c.AdminUpdateUser(
            actor=admin, user_id=bob.id, changes={"email": "Robert@Example.com", "username": "bob"}
        )
    )
    assert (renamed.email, renamed.username) == ("robert@example.com", "bob")
    with pytest.raises(Conflict):
        await register(alora, "rob", email="robert@example.com")
    await register(alora, "bobby", email="bob@example.com")  # the old skeleton went with it
