"""Identity's use cases, driven through the message bus on every backend (the ``alora``
fixture of ``conftest.py``)."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import timedelta

import pytest

from alora_core.identity import commands as c
from alora_core.identity.errors import AccountSuspended, InvalidCredentials
from alora_core.identity.events import NewDeviceSignedIn
from alora_core.identity.model import Address, Role, UserSettings, Visibility
from alora_core.identity.use_cases import LoginResult
from alora_core.shared.actor import Actor
from alora_core.shared.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    Unauthenticated,
)
from alora_core.shared.events import DomainEvent
from entrypoints.bootstrap import Alora
from support.accounts import (
    PASSWORD,
    actor,
    code_mails,
    last_code,
    login,
    make_admin,
    register,
    verified_user,
)
from support.backends import committed_events

# -- registration and verification ------------------------------------------------------------


async def test_register_normalizes_and_emails_a_code(alora: Alora) -> None:
    user = await register(
        alora, "ana", email="  Ana@Example.COM ", username=" Ana.B ", phone="(415) 555-0100"
    )
    assert (user.email, user.username, user.phone) == ("ana@example.com", "ana.b", "+14155550100")
    assert not user.email_verified
    message = code_mails(alora, "ana@example.com")[-1]
    assert re.search(r"\b\d{6}\b", message.text) and message.html
    assert PASSWORD not in message.text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "not-an-email"),
        ("username", "ab"),
        ("username", "bad name!"),
        ("phone", "12"),
        ("role", "admin"),
        ("full_name", "   "),
        ("password", "short"),
        ("password", "ana@example.com"),
        ("password", "password123"),
    ],
)
async def test_register_rejects_bad_fields(alora: Alora, field: str, value: str) -> None:
    with pytest.raises(Invalid) as raised:
        await register(alora, "ana", **{field: value})
    assert field in {e.field for e in raised.value.errors}


@pytest.mark.parametrize("field", ["email", "username", "phone"])
async def test_duplicates_are_conflicts_naming_the_field(alora: Alora, field: str) -> None:
    first = await register(alora, "ana")
    others = {"email": "bob@example.com", "username": "bob", "phone": "+1 415 555 0199"}
    others[field] = getattr(first, field).upper() if field == "email" else getattr(first, field)
    with pytest.raises(Conflict) as raised:
        await register(alora, "bob", **others)
    assert raised.value.field == field


async def test_login_needs_a_verified_email(alora: Alora) -> None:
    await register(alora, "ana")
    with pytest.raises(Unauthenticated):
        await login(alora, "ana")


async def test_verification_code_attempts_and_expiry(alora: Alora) -> None:
    user = await register(alora, "ana")
    code = last_code(alora, user.email)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(Invalid):
            await alora.bus.handle(c.VerifyEmail(email=user.email, code=wrong))
    with pytest.raises(Invalid, match="request a new one"):
        await alora.bus.handle(c.VerifyEmail(email=user.email, code=code))

    alora.clock.advance(timedelta(seconds=61))  # type: ignore[attr-defined]
    await alora.bus.handle(c.ResendVerification(email=user.email))
    fresh = last_code(alora, user.email)
    alora.clock.advance(timedelta(minutes=16))  # type: ignore[attr-defined]
    with pytest.raises(Invalid, match="expired"):
        await alora.bus.handle(c.VerifyEmail(email=user.email, code=fresh))


async def test_resend_has_a_cooldown_and_reveals_nothing(alora: Alora) -> None:
    user = await register(alora, "ana")
    await alora.bus.handle(c.ResendVerification(email=user.email))
    assert len(code_mails(alora, user.email)) == 1
    alora.clock.advance(timedelta(seconds=61))  # type: ignore[attr-defined]
    await alora.bus.handle(c.ResendVerification(email=user.email))
    assert len(code_mails(alora, user.email)) == 2
    assert await alora.bus.handle(c.ResendVerification(email="nobody@example.com")) is None


async def test_verify_twice_is_a_conflict(alora: Alora) -> None:
    user = await verified_user(alora, "ana")
    with pytest.raises(Conflict):
        await alora.bus.handle(c.VerifyEmail(email=user.email, code="123456"))


# -- login ------------------------------------------------------------------------------------


async def test_login_by_email_username_and_phone(alora: Alora) -> None:
    user = await verified_user(alora, "ana", phone="+1 415 555 0100")
    for identifier in ("ANA@example.com", "Ana", "+14155550100", "(415) 555-0100"):
        result = await login(alora, identifier)
        assert result.user.id == user.id
        principal = await alora.bus.handle(c.Authenticate(access_token=result.access_token))
        assert principal.user.id == user.id


async def test_control_characters_in_the_identifier_find_no_one(alora: Alora) -> None:
    await verified_user(alora, "ana")
    with pytest.raises(InvalidCredentials):
        await login(alora, "ana\x00")


async def test_numeric_username_is_found_by_the_fallback(alora: Alora) -> None:
    user = await verified_user(alora, "ana", username="12345678")
    assert (await login(alora, "12345678")).user.id == user.id


async def test_wrong_password_and_unknown_identifier_look_the_same(alora: Alora) -> None:
    await verified_user(alora, "ana")
    with pytest.raises(InvalidCredentials) as wrong:
        await login(alora, "ana", "not the password")
    with pytest.raises(InvalidCredentials) as unknown:
        await login(alora, "nobody", "not the password")
    assert str(wrong.value) == str(unknown.value)


async def test_five_failures_then_rate_limited(alora: Alora) -> None:
    await verified_user(alora, "ana")
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await login(alora, "ana", "wrong password!")
    with pytest.raises(RateLimited) as raised:
        await login(alora, "ana")
    assert 0 < raised.value.retry_after_seconds <= 15 * 60
    alora.clock.advance(timedelta(minutes=16))  # type: ignore[attr-defined]
    await login(alora, "ana")


async def test_suspended_user_cannot_log_in(alora: Alora) -> None:
    admin = await make_admin(alora)
    user = await verified_user(alora, "ana")
    await alora.bus.handle(c.SuspendUser(actor=admin, user_id=user.id, reason="spam"))
    with pytest.raises(AccountSuspended):
        await login(alora, "ana")


async def test_at_most_five_sessions_the_oldest_is_revoked(alora: Alora) -> None:
    await verified_user(alora, "ana")
    results = []
    for _ in range(6):
        results.append(await login(alora, "ana"))
        alora.clock.advance(timedelta(seconds=1))  # type: ignore[attr-defined]
    sessions = await alora.bus.handle(c.ListMySessions(actor=actor(results[-1])))
    assert len(sessions) == 5
    assert results[0].session_id not in {s.id for s in sessions}
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.Authenticate(access_token=results[0].access_token))


async def test_one_user_signing_in_on_many_devices_at_once(alora: Alora) -> None:
    user = await verified_user(alora, "ana")
    results = await asyncio.gather(*(login(alora, "ana") for _ in range(8)))
    assert len({r.session_id for r in results}) == 8
    sessions = await alora.bus.handle(c.ListMySessions(actor=actor(results[0])))
    assert len(sessions) == 5
    admin = await make_admin(alora)
    seen = await alora.bus.handle(c.GetUser(actor=admin, user_id=user.id))
    assert seen.last_login_at == alora.clock.now()  # type: ignore[attr-defined]


# -- devices ----------------------------------------------------------------------------------

PHONE = "Alora/2.1 (iPhone; iOS 18.1)"
LAPTOP = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"


def new_devices(events: list[DomainEvent]) -> list[NewDeviceSignedIn]:
    return [event for event in events if isinstance(event, NewDeviceSignedIn)]


async def sign_in(alora: Alora, user_agent: str, ip: str = "10.0.0.1") -> LoginResult:
    return await alora.bus.handle(
        c.Login(identifier="ana", password=PASSWORD, user_agent=user_agent, ip=ip)
    )


async def test_first_sign_in_and_known_devices_are_not_new(alora: Alora) -> None:
    await verified_user(alora, "ana")
    committed = committed_events(alora)
    await sign_in(alora, PHONE)
    await sign_in(alora, PHONE, ip="10.0.0.2")
    await sign_in(alora, f"  {PHONE.replace(' ', '   ')}\t")  # the same text, spaced out
    assert new_devices(committed) == []


async def test_a_sign_in_from_a_new_device_is_an_event(alora: Alora) -> None:
    user = await verified_user(alora, "ana")
    await sign_in(alora, PHONE)
    admin = await make_admin(alora)
    version = (await alora.bus.handle(c.GetUser(actor=admin, user_id=user.id))).version
    committed = committed_events(alora)
    alora.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    await sign_in(alora, LAPTOP, ip="203.0.113.7")
    await sign_in(alora, LAPTOP, ip="203.0.113.8")
    now = alora.clock.now()  # type: ignore[attr-defined]
    assert [(e.user_id, e.user_agent, e.ip, e.signed_in_at) for e in new_devices(committed)] == [
        (user.id, LAPTOP, "203.0.113.7", now)
    ]
    seen = await alora.bus.handle(c.GetUser(actor=admin, user_id=user.id))
    assert seen.version == version  # signing in does not touch the user's version
    assert seen.last_login_at == now


async def test_refreshing_tokens_is_no_sign_in(alora: Alora) -> None:
    await verified_user(alora, "ana")
    first = await sign_in(alora, PHONE)
    committed = committed_events(alora)
    await alora.bus.handle(
        c.RefreshSession(refresh_token=first.refresh_token, user_agent=LAPTOP, ip="10.0.0.9")
    )
    assert new_devices(committed) == []
    await sign_in(alora, LAPTOP)  # the refresh did not make the laptop known
    assert [e.user_agent for e in new_devices(committed)] == [LAPTOP]


async def test_concurrent_sign_ins_from_one_new_device_make_one_event(
    alora: Alora,
) -> None:
    await verified_user(alora, "ana")
    await sign_in(alora, PHONE)
    committed = committed_events(alora)
    results = await asyncio.gather(sign_in(alora, LAPTOP), sign_in(alora, LAPTOP))
    assert results[0].session_id != results[1].session_id
    assert len(new_devices(committed)) == 1


# -- tokens -----------------------------------------------------------------------------------


async def test_refresh_rotates_and_reuse_kills_the_family(alora: Alora) -> None:
    await verified_user(alora, "ana")
    first = await login(alora, "ana")
    second = await alora.bus.handle(c.RefreshSession(refresh_token=first.refresh_token))
    assert second.refresh_token != first.refresh_token
    assert second.session_id == first.session_id

    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.RefreshSession(refresh_token=first.refresh_token))
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.RefreshSession(refresh_token=second.refresh_token))
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.Authenticate(access_token=second.access_token))


async def test_unknown_refresh_token_is_refused(alora: Alora) -> None:
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.RefreshSession(refresh_token="made-up"))


async def test_refresh_token_expires(alora: Alora) -> None:
    await verified_user(alora, "ana")
    result = await login(alora, "ana")
    alora.clock.advance(timedelta(days=7, seconds=1))  # type: ignore[attr-defined]
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.RefreshSession(refresh_token=result.refresh_token))


async def test_access_token_expires(alora: Alora) -> None:
    await verified_user(alora, "ana")
    result = await login(alora, "ana")
    alora.clock.advance(timedelta(minutes=16))  # type: ignore[attr-defined]
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.Authenticate(access_token=result.access_token))


async def test_logout_kills_the_access_token_at_once(alora: Alora) -> None:
    await verified_user(alora, "ana")
    result = await login(alora, "ana")
    await alora.bus.handle(c.Logout(actor=actor(result)))
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.Authenticate(access_token=result.access_token))
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.RefreshSession(refresh_token=result.refresh_token))


async def test_concurrent_refreshes_with_one_token_yield_one_new_pair(alora: Alora) -> None:
    await verified_user(alora, "ana")
    result = await login(alora, "ana")
    outcomes = await asyncio.gather(
        *(alora.bus.handle(c.RefreshSession(refresh_token=result.refresh_token)) for _ in range(5)),
        return_exceptions=True,
    )
    winners = [o for o in outcomes if isinstance(o, LoginResult)]
    assert len(winners) >= 1
    assert all(isinstance(o, (LoginResult, Unauthenticated)) for o in outcomes)
    usable = []
    for winner in winners:
        try:
            await alora.bus.handle(c.Authenticate(access_token=winner.access_token))
            usable.append(winner)
        except Unauthenticated:
            pass
    assert len(usable) <= 1


# -- sessions ---------------------------------------------------------------------------------


async def test_sessions_are_listed_and_revoked_by_their_owner_only(alora: Alora) -> None:
    await verified_user(alora, "ana")
    await verified_user(alora, "bob")
    ana, bob = await login(alora, "ana"), await login(alora, "bob")
    listed = await alora.bus.handle(c.ListMySessions(actor=actor(ana)))
    assert [s.id for s in listed] == [ana.session_id]
    assert listed[0].user_agent == "pytest" and listed[0].ip == "10.0.0.1"
    with pytest.raises(NotFound):
        await alora.bus.handle(c.RevokeMySession(actor=actor(bob), session_id=ana.session_id))
    await alora.bus.handle(c.RevokeMySession(actor=actor(ana), session_id=ana.session_id))
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.Authenticate(access_token=ana.access_token))


# -- profile and settings ---------------------------------------------------------------------


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


@pytest.mark.parametrize("timezone", ["Mars/Olympus", "Europe", "utc", "../etc/passwd", "x" * 300])
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


# -- passwords --------------------------------------------------------------------------------


async def test_forgot_and_reset_password_revokes_every_session(alora: Alora) -> None:
    user = await verified_user(alora, "ana")
    session = await login(alora, "ana")
    await alora.bus.handle(c.ForgotPassword(email="ANA@example.com"))
    code = last_code(alora, user.email)
    with pytest.raises(Invalid):
        await alora.bus.handle(c.ResetPassword(email=user.email, code=code, new_password="short"))
    await alora.bus.handle(
        c.ResetPassword(email=user.email, code=code, new_password="a brand new secret")
    )
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.Authenticate(access_token=session.access_token))
    with pytest.raises(InvalidCredentials):
        await login(alora, "ana")
    await login(alora, "ana", "a brand new secret")
    with pytest.raises(Invalid):  # the code is single-use
        await alora.bus.handle(
            c.ResetPassword(email=user.email, code=code, new_password="another new secret")
        )


async def test_forgot_password_for_unknown_email_says_nothing(alora: Alora) -> None:
    assert await alora.bus.handle(c.ForgotPassword(email="nobody@example.com")) is None
    assert alora.mailer.sent == []  # type: ignore[attr-defined]


async def test_change_password(alora: Alora) -> None:
    await verified_user(alora, "ana")
    session = await login(alora, "ana")
    me = actor(session)
    with pytest.raises(InvalidCredentials):
        await alora.bus.handle(
            c.ChangePassword(actor=me, current_password="nope", new_password="another secret 1")
        )
    with pytest.raises(Invalid):
        await alora.bus.handle(
            c.ChangePassword(actor=me, current_password=PASSWORD, new_password=PASSWORD)
        )
    await alora.bus.handle(
        c.ChangePassword(actor=me, current_password=PASSWORD, new_password="another secret 1")
    )
    with pytest.raises(Unauthenticated):
        await alora.bus.handle(c.Authenticate(access_token=session.access_token))
    await login(alora, "ana", "another secret 1")


# -- administration ---------------------------------------------------------------------------


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
