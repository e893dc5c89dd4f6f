"""Profiles and settings: one's own, and what others may see of them (``alora`` fixture:
``conftest.py``)."""

from __future__ import annotations

import uuid

import pytest

from alora_core.identity import commands as c
from alora_core.identity.model import Address, UserSettings, Visibility
from alora_core.shared.actor import Actor
from alora_core.shared.errors import Invalid, NotFound
from entrypoints.bootstrap import Alora
from support.accounts import actor, login, make_admin, verified_user
from support.builders import add_file


async def test_profile_update_changes_only_given_fields(alora: Alora) -> None:
    await verified_user(alora, "ana")
    me = actor(await login(alora, "ana"))
    address = Address(street="1 Main St", city="Springfield", postal_code="12345", country="US")
    user = await alora.bus.handle(
        c.UpdateProfile(
            actor=me,
            changes={
                "bio": " hello ",
                "address": address,
                "social_links": {"web": "https://ana.example"},
            },
        )
    )
    assert (user.bio, user.address, user.full_name) == ("hello", address, "Ana Example")
    again = await alora.bus.handle(c.GetUser(actor=await make_admin(alora), user_id=user.id))
    assert again.address == address and again.social_links == {"web": "https://ana.example"}


@pytest.mark.parametrize(
    "changes",
    [
        {"full_name": ""},
        {"bio": "x" * 2001},
        {"social_links": {"web": "javascript:alert(1)"}},
        {"role": "admin"},
        {"email": "x@example.com"},
        {"password_hash": "x"},
    ],
)
async def test_profile_update_refuses_bad_or_server_owned_fields(alora: Alora, changes) -> None:
    await verified_user(alora, "ana")
    me = actor(await login(alora, "ana"))
    with pytest.raises(Invalid):
        await alora.bus.handle(c.UpdateProfile(actor=me, changes=changes))


async def test_the_avatar_is_an_image_of_ones_own(alora: Alora) -> None:
    ana = await verified_user(alora, "ana")
    ben = await verified_user(alora, "ben")
    me = actor(await login(alora, "ana"))
    refused = {
        "another user's private PDF": await add_file(
            alora, ben.id, "application/pdf", public=False
        ),
        "another user's image": await add_file(alora, ben.id),
        "one's own PDF": await add_file(alora, ana.id, "application/pdf"),
        "no file at all": uuid.uuid4(),
    }
    for case, file_id in refused.items():
        with pytest.raises(Invalid) as raised:
            await alora.bus.handle(c.UpdateProfile(actor=me, changes={"avatar_file_id": file_id}))
        assert [(e.field, e.code) for e in raised.value.errors] == [
            ("avatar_file_id", "unknown-file")
        ], case

    image = await add_file(alora, ana.id, public=False)
    user = await alora.bus.handle(c.UpdateProfile(actor=me, changes={"avatar_file_id": image}))
    assert user.avatar_file_id == image
    cleared = await alora.bus.handle(c.UpdateProfile(actor=me, changes={"avatar_file_id": None}))
    assert cleared.avatar_file_id is None


async def test_settings_round_trip_and_validation(alora: Alora) -> None:
    await verified_user(alora, "ana")
    me = actor(await login(alora, "ana"))
    assert await alora.bus.handle(c.GetSettings(actor=me)) == UserSettings()
    wanted = UserSettings(
        show_email=True, timezone="Europe/Berlin", profile_visibility=Visibility.REGISTERED
    )
    await alora.bus.handle(c.ReplaceSettings(actor=me, settings=wanted))
    assert await alora.bus.handle(c.GetSettings(actor=me)) == wanted
    with pytest.raises(Invalid):
        await alora.bus.handle(
            c.ReplaceSettings(actor=me, settings=UserSettings(timezone="Mars/Olympus"))
        )


@pytest.mark.parametrize(
    "timezone",
    ["Mars/Olympus", "Europe", "utc", "../etc/passwd", "x" * 300, "localtime", "Factory"],
)
async def test_settings_need_an_iana_time_zone(alora: Alora, timezone: str) -> None:
    await verified_user(alora, "ana")
    me = actor(await login(alora, "ana"))
    with pytest.raises(Invalid) as raised:
        await alora.bus.handle(
            c.ReplaceSettings(actor=me, settings=UserSettings(timezone=timezone))
        )
    assert [e.field for e in raised.value.errors] == ["timezone"]


async def test_quiet_hours_round_trip(alora: Alora) -> None:
    await verified_user(alora, "ana")
    me = actor(await login(alora, "ana"))
    wanted = UserSettings(
        timezone="America/New_York", quiet_hours_start="22:30", quiet_hours_end="07:00"
    )
    assert await alora.bus.handle(c.ReplaceSettings(actor=me, settings=wanted)) == wanted
    assert await alora.bus.handle(c.GetSettings(actor=me)) == wanted
    await alora.bus.handle(c.ReplaceSettings(actor=me, settings=UserSettings()))
    assert (await alora.bus.handle(c.GetSettings(actor=me))).quiet_hours_start is None


@pytest.mark.parametrize(
    ("start", "end", "fields"),
    [
        ("25:00", "07:00", ["quiet_hours_start"]),
        ("22:00", "07:60", ["quiet_hours_end"]),
        ("7:00", "24:00", ["quiet_hours_start", "quiet_hours_end"]),
        ("22:00\n", "07:00", ["quiet_hours_start"]),
        ("22:00", None, ["quiet_hours_end"]),
        (None, "07:00", ["quiet_hours_start"]),
        ("22:00", "22:00", ["quiet_hours_end"]),
    ],
)
async def test_quiet_hours_are_two_different_times_or_none(
    alora: Alora, start: str | None, end: str | None, fields: list[str]
) -> None:
    await verified_user(alora, "ana")
    me = actor(await login(alora, "ana"))
    settings = UserSettings(quiet_hours_start=start, quiet_hours_end=end)
    with pytest.raises(Invalid) as raised:
        await alora.bus.handle(c.ReplaceSettings(actor=me, settings=settings))
    assert [e.field for e in raised.value.errors] == fields


async def test_public_profile_hides_contact_unless_allowed(alora: Alora) -> None:
    ana = await verified_user(alora, "ana")
    await verified_user(alora, "bob")
    bob = actor(await login(alora, "bob"))
    profile = await alora.bus.handle(c.GetPublicProfile(viewer=Actor.anonymous(), user_id=ana.id))
    assert profile.email is None and profile.phone is None
    me = actor(await login(alora, "ana"))
    await alora.bus.handle(c.ReplaceSettings(actor=me, settings=UserSettings(show_email=True)))
    profile = await alora.bus.handle(c.GetPublicProfile(viewer=bob, user_id=ana.id))
    assert profile.email == "ana@example.com" and profile.phone is None


async def test_private_and_registered_profiles(alora: Alora) -> None:
    ana = await verified_user(alora, "ana")
    await verified_user(alora, "bob")
    me = actor(await login(alora, "ana"))
    bob = actor(await login(alora, "bob"))
    registered = UserSettings(profile_visibility=Visibility.REGISTERED)
    await alora.bus.handle(c.ReplaceSettings(actor=me, settings=registered))
    with pytest.raises(NotFound):
        await alora.bus.handle(c.GetPublicProfile(viewer=Actor.anonymous(), user_id=ana.id))
    await alora.bus.handle(c.GetPublicProfile(viewer=bob, user_id=ana.id))
    private = UserSettings(profile_visibility=Visibility.PRIVATE)
    await alora.bus.handle(c.ReplaceSettings(actor=me, settings=private))
    with pytest.raises(NotFound):
        await alora.bus.handle(c.GetPublicProfile(viewer=bob, user_id=ana.id))
    assert (await alora.bus.handle(c.GetPublicProfile(viewer=me, user_id=ana.id))).email
    with pytest.raises(NotFound):
        await alora.bus.handle(c.GetPublicProfile(viewer=bob, user_id=uuid.uuid4()))
