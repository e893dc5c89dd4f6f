"""Identity's SQL repositories on SQLite and PostgreSQL: how users, sessions, codes and audit
entries are stored and found, held to the behaviour of the in-memory adapter.

Each test's database is at the latest migration with empty tables (``migrated_database_url``);
the ``engine``, ``new_uow`` and ``uow`` fixtures are in ``conftest.py``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.identity.uow import MemoryIdentityUnitOfWork
from adapters.sqlalchemy.identity.uow import SqlIdentityUnitOfWork
from alora_core.identity.model import (
    Address,
    OneTimeCode,
    Purpose,
    RevokeReason,
    Role,
    Session,
    Theme,
    User,
    UserSettings,
    Visibility,
)
from alora_core.shared.audit import AuditEntry
from alora_core.shared.pagination import MAX_PAGE, MAX_PAGE_SIZE, PageRequest
from contexts.identity.records import (
    NOW,
    add_all,
    count_rows,
    is_postgres,
    make_code,
    make_session,
    make_user,
)
from entrypoints.bootstrap import memory_store

IDENTITY_TABLES = ("users", "sessions", "refresh_tokens", "one_time_codes", "audit_log")

# --- mapping -----------------------------------------------------------------------------------


async def test_a_full_user_round_trips(uow: SqlIdentityUnitOfWork) -> None:
    berlin = timezone(timedelta(hours=2))
    user = make_user(
        "ana",
        phone="+14155550100",
        role=Role.PROFESSIONAL,
        created_at=datetime(2030, 1, 1, 14, 0, 0, 123456, tzinfo=berlin),
        email_verified_at=NOW,
        suspended_at=NOW + timedelta(hours=1),
        suspension_reason="spam",
        bio="Hello ✓",
        avatar_file_id=uuid.uuid4(),
        address=Address(street="Main St 1", city="Lisboa", postal_code="1000", country="PT"),
        social_links={"github": "https://github.com/ana", "web": "https://ana.example"},
        settings=UserSettings(
            sms_notifications=True,
            profile_visibility=Visibility.PRIVATE,
            theme=Theme.DARK,
            language="pt-BR",
            timezone="Europe/Lisbon",
            quiet_hours_start="22:00",
            quiet_hours_end="07:30",
        ),
        updated_at=NOW,
        last_login_at=NOW,
    )
    await add_all(uow, user)

    async with uow:
        loaded = await uow.users.get(user.id)
    assert loaded is not None and loaded is not user
    assert loaded == user
    assert loaded.created_at == datetime(2030, 1, 1, 12, 0, 0, 123456, tzinfo=UTC)
    for moment in (loaded.created_at, loaded.email_verified_at, loaded.last_login_at):
        assert moment is not None and moment.tzinfo is UTC
    assert type(loaded.role) is Role
    assert type(loaded.settings.theme) is Theme
    assert type(loaded.settings.profile_visibility) is Visibility
    assert loaded.settings.profile_visibility is Visibility.PRIVATE
    assert type(loaded.address) is Address
    assert loaded.social_links == {"github": "https://github.com/ana", "web": "https://ana.example"}
    assert loaded.version == 1
    assert loaded.pull_events() == []  # loading skips __init__; the event list still works


async def test_optional_values_round_trip_as_none(uow: SqlIdentityUnitOfWork) -> None:
    user = make_user()
    session = make_session(user)
    session.revoke(RevokeReason.TOKEN_REUSE, NOW)
    await add_all(uow, user, session)
    async with uow:
        loaded = await uow.users.get(user.id)
        loaded_session = await uow.sessions.get(session.id)
    assert loaded == user and loaded.address is None and loaded.phone is None
    assert loaded_session == session
    assert loaded_session is not None and loaded_session.revoke_reason is RevokeReason.TOKEN_REUSE


async def test_settings_stored_before_quiet_hours_load_without_them(
    engine: AsyncEngine, uow: SqlIdentityUnitOfWork
) -> None:
    user = make_user()
    await add_all(uow, user)
    stored = '{"email_notifications": false, "theme": "dark", "timezone": "Europe/Berlin"}'
    cast = "CAST(:stored AS JSONB)" if is_postgres(engine) else ":stored"
    async with engine.begin() as connection:
        await connection.execute(text(f"UPDATE users SET settings = {cast}"), {"stored": stored})
    async with uow:
        loaded = await uow.users.get(user.id)
    assert loaded is not None
    assert loaded.settings == UserSettings(
        email_notifications=False, theme=Theme.DARK, timezone="Europe/Berlin"
    )
    assert loaded.settings.quiet_hours_start is None and loaded.settings.quiet_hours_end is None


async def test_naive_datetimes_are_refused(uow: SqlIdentityUnitOfWork) -> None:
    async with uow:
        await uow.users.add(make_user(created_at=datetime(2030, 1, 1)))
        with pytest.raises(Exception, match="naive datetime"):
            await uow.commit()


async def test_in_place_changes_of_social_links_are_saved(uow: SqlIdentityUnitOfWork) -> None:
    user = make_user()
    await add_all(uow, user)
    async with uow:
        loaded = await uow.users.get(user.id)
        assert loaded is not None
        loaded.social_links["web"] = "https://ana.example"
        await uow.commit()
    async with uow:
        again = await uow.users.get(user.id)
    assert again is not None and again.social_links == {"web": "https://ana.example"}
    assert again.version == 2


# --- users -------------------------------------------------------------------------------------


async def test_delete_cascades_to_sessions_tokens_and_codes(
    engine: AsyncEngine, uow: SqlIdentityUnitOfWork
) -> None:
    ana, bob = make_user("ana"), make_user("bob")
    sessions = [make_session(ana), make_session(ana), make_session(bob)]
    await add_all(uow, ana, bob, *sessions, make_code(ana), make_code(bob))
    async with uow:
        for session in sessions:
            await uow.sessions.remember_token(session)
        await uow.commit()
    async with uow:
        loaded = await uow.users.get(ana.id)
        assert loaded is not None
        await uow.users.delete(loaded)
        assert await uow.users.get(ana.id) is None  # gone for this unit of work already
        await uow.commit()
    counts = [await count_rows(engine, name) for name in IDENTITY_TABLES[:4]]
    assert counts == [1, 1, 1, 1]
    async with uow:
        assert await uow.sessions.find_by_token_hash(sessions[0].token_hash) is None
        assert await uow.sessions.find_by_token_hash(sessions[2].token_hash) is not None


async def test_rows_are_written_in_foreign_key_order(
    engine: AsyncEngine, uow: SqlIdentityUnitOfWork
) -> None:
    ana = make_user()
    session = make_session(ana)
    async with uow:  # children added before their parent
        await uow.codes.add(make_code(ana))
        await uow.sessions.add(session)
        await uow.sessions.remember_token(session)
        await uow.users.add(ana)
        await uow.commit()
    async with uow:  # a child changed, then its parent deleted, in one flush
        loaded_session = await uow.sessions.get(session.id)
        loaded_user = await uow.users.get(ana.id)
        assert loaded_session is not None and loaded_user is not None
        loaded_session.revoke(RevokeReason.USER_DELETED, NOW)
        await uow.users.delete(loaded_user)
        await uow.commit()
    assert [await count_rows(engine, name) for name in IDENTITY_TABLES] == [0, 0, 0, 0, 0]


async def test_finders(uow: SqlIdentityUnitOfWork) -> None:
    ana = make_user("ana", phone="+14155550100")
    await add_all(uow, ana, make_user("bob"))
    async with uow:
        assert (await uow.users.find_by_email("ana@example.com")) == ana
        assert (await uow.users.find_by_username("ana")) == ana
        assert (await uow.users.find_by_phone("+14155550100")) == ana
        for value in ("ana@example.com", "ana", "+14155550100"):
            assert (await uow.users.find_by_any(value)) == ana
        assert await uow.users.find_by_any("nobody") is None
        assert await uow.users.find_by_email("ANA@example.com") is None
        assert await uow.users.get(uuid.uuid4()) is None


async def test_signed_in_is_one_query(engine: AsyncEngine, uow: SqlIdentityUnitOfWork) -> None:
    ana = make_user("ana")
    active = make_session(ana)
    revoked = make_session(ana, revoked_at=NOW, revoke_reason=RevokeReason.LOGOUT)
    expired = make_session(ana, at=NOW - timedelta(days=8))
    ends_now = make_session(ana, expires_at=NOW)
    await add_all(uow, ana, active, revoked, expired, ends_now)

    statements: list[str] = []

    def count(_conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    async with uow:
        await uow.session.connection()  # begin first: only count the lookup itself
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        try:
            found = await uow.users.signed_in(active.id, NOW)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", count)
        assert found is not None
        assert found.user == ana
        assert found.session_expires_at == active.expires_at
        assert len(statements) == 1, statements
        for session in (revoked, expired, ends_now):
            assert await uow.users.signed_in(session.id, NOW) is None
        assert await uow.users.signed_in(uuid.uuid4(), NOW) is None


# --- sessions and refresh tokens ---------------------------------------------------------------


async def test_refresh_tokens_find_their_session_rotated_or_not(uow: SqlIdentityUnitOfWork) -> None:
    ana = make_user()
    session = make_session(ana, token_hash="first")
    async with uow:
        await uow.users.add(ana)
        await uow.sessions.add(session)
        await uow.sessions.remember_token(session)
        assert await uow.sessions.find_by_token_hash("first") is session  # before commit
        await uow.commit()
    async with uow:
        loaded = await uow.sessions.find_by_token_hash("first")
        assert loaded is not None
        loaded.rotate("first", "second", NOW + timedelta(minutes=5))
        await uow.sessions.remember_token(loaded)
        await uow.sessions.remember_token(loaded)  # again: harmless
        await uow.commit()
    async with uow:
        for token in ("first", "second"):
            found = await uow.sessions.find_by_token_hash(token)
            assert found is not None and found.id == session.id
            assert found.token_hash == "second" and found.version == 2
        assert await uow.sessions.find_by_token_hash("third") is None


async def test_active_sessions_of_a_user_oldest_first(uow: SqlIdentityUnitOfWork) -> None:
    ana, bob = make_user("ana"), make_user("bob")
    second = make_session(ana, at=NOW - timedelta(hours=1))
    first = make_session(ana, at=NOW - timedelta(hours=2))
    gone = make_session(ana, revoked_at=NOW, revoke_reason=RevokeReason.USER)
    await add_all(uow, ana, bob, second, first, gone, make_session(bob))
    async with uow:
        found = await uow.sessions.active_for_user(ana.id, NOW)
    assert [s.id for s in found] == [first.id, second.id]


# --- parity with the in-memory adapter ---------------------------------------------------------


def seed() -> list[Any]:
    """Users, sessions, codes and audit entries with ties and wildcard-like text."""
    objects: list[Any] = []
    names = ["ana", "bob", "cid", "dee", "eve", "fay", "gus"]
    for i, name in enumerate(names):
        role = Role.PROFESSIONAL if i % 3 == 0 else Role.CUSTOMER
        at = NOW + timedelta(minutes=i // 2)  # pairs share created_at: ties go by id
        full_name = {"dee": "Dee 100% Real", "eve": "Eve Under_Score"}.get(name, f"{name} MARIA")
        user = make_user(name, at=at, role=role, full_name=full_name, phone=f"+1415555{i:04d}")
        objects.append(user)
        for j in range(3):
            session_at = NOW + timedelta(minutes=j // 2)
            objects.append(make_session(user, at=session_at))
        objects.append(make_code(user, at=NOW))
        objects.append(make_code(user, at=NOW))
        objects.append(
            AuditEntry(
                actor_id=user.id,
                action="user.update" if i % 2 else "user.suspend",
                target_type="user",
                target_id=str(user.id),
                occurred_at=NOW + timedelta(minutes=i // 3),
                details={"fields": ["bio"], "n": i},
            )
        )
    return objects


async def queries(uow: Any) -> list[Any]:
    """The same reads through any identity unit of work, reduced to comparable ids."""
    users = [u.id for u in (await uow.users.search(PageRequest(1, 100), None, None)).items]
    first_user = users[-1]
    results: list[Any] = []
    for page, role, text_ in [
        (PageRequest(1, 3), None, None),
        (PageRequest(2, 3), None, None),
        (PageRequest(3, 3), None, None),
        (PageRequest(1, 100), Role.PROFESSIONAL, None),
        (PageRequest(1, 100), None, "maria"),
        (PageRequest(1, 100), None, "MARIA"),
        (PageRequest(1, 100), None, "%"),
        (PageRequest(1, 100), None, "_"),
        (PageRequest(1, 100), None, "0% r"),
        (PageRequest(1, 100), None, "example.com"),
        (PageRequest(1, 100), None, "+1415555000"),
        (PageRequest(1, 100), Role.CUSTOMER, "e"),
    ]:
        found = await uow.users.search(page, role, text_)
        results.append(([u.id for u in found.items], found.total, found.pages))
    for user_id in (None, first_user):
        found = await uow.sessions.search(PageRequest(1, 4), user_id, NOW)
        results.append(([s.id for s in found.items], found.total))
    sessions = await uow.sessions.active_for_user(first_user, NOW)
    results.append([s.id for s in sessions])
    code = await uow.codes.latest(first_user, Purpose.VERIFY_EMAIL)
    results.append(code.id if code else None)
    results.append(await uow.codes.latest(first_user, Purpose.RESET_PASSWORD))
    for actor_id, action in [(None, None), (None, "user.update"), (first_user, None)]:
        entries = await uow.audit_log.list(PageRequest(1, 5), actor_id, action)
        results.append(([e.id for e in entries.items], entries.total))
    return results


async def test_reads_match_the_memory_adapter(uow: SqlIdentityUnitOfWork) -> None:
    objects = seed()
    memory = MemoryIdentityUnitOfWork(memory_store())
    for target in (uow, memory):
        async with target:
            for obj in objects if target is uow else [attrs.evolve(o) for o in objects]:
                repository: Any = {
                    User: target.users,
                    Session: target.sessions,
                    OneTimeCode: target.codes,
                    AuditEntry: target.audit_log,
                }[type(obj)]
                await repository.add(obj)
            await target.commit()
    async with uow, memory:
        sql_results, memory_results = await queries(uow), await queries(memory)
    assert sql_results == memory_results
    assert sql_results[4][1] == 5  # "maria": five users


async def test_search_pages_and_totals(uow: SqlIdentityUnitOfWork) -> None:
    users = [make_user(f"user{i}", at=NOW + timedelta(seconds=i)) for i in range(7)]
    await add_all(uow, *users)
    async with uow:
        first = await uow.users.search(PageRequest(1, 3), None, None)
        last = await uow.users.search(PageRequest(3, 3), None, None)
        beyond = await uow.users.search(PageRequest(4, 3), None, None)
        farthest = PageRequest(MAX_PAGE, MAX_PAGE_SIZE)  # the largest offset a request allows
        absurd = await uow.users.search(farthest, None, None)
    assert (absurd.total, list(absurd.items)) == (7, [])
    assert [u.username for u in first.items] == ["user6", "user5", "user4"]
    assert [u.username for u in last.items] == ["user0"]
    assert (first.total, first.pages, beyond.total, list(beyond.items)) == (7, 3, 7, [])


async def test_search_folds_the_case_of_non_ascii_letters(uow: SqlIdentityUnitOfWork) -> None:
    """SQLite's own lower() folds ASCII only; database.py registers Python's str.lower."""
    await add_all(uow, make_user("ana", full_name="ÁNGELA Ñúñez"))
    async with uow:
        found = await uow.users.search(PageRequest(), None, "ángela ñ")
    assert found.total == 1


async def test_codes_latest_and_delete_for(uow: SqlIdentityUnitOfWork) -> None:
    ana = make_user()
    old = make_code(ana, at=NOW - timedelta(minutes=5))
    new = make_code(ana)
    reset = make_code(ana, Purpose.RESET_PASSWORD)
    await add_all(uow, ana, old, new, reset)
    async with uow:
        assert await uow.codes.latest(ana.id, Purpose.VERIFY_EMAIL) == new
        await uow.codes.delete_for(ana.id, Purpose.VERIFY_EMAIL)
        assert await uow.codes.latest(ana.id, Purpose.VERIFY_EMAIL) is None
        await uow.commit()
    async with uow:
        assert await uow.codes.latest(ana.id, Purpose.VERIFY_EMAIL) is None
        assert await uow.codes.latest(ana.id, Purpose.RESET_PASSWORD) == reset


async def test_audit_entries_round_trip(uow: SqlIdentityUnitOfWork) -> None:
    actor = uuid.uuid4()
    entry = AuditEntry(
        actor_id=actor,
        action="user.update",
        target_type="user",
        target_id="42",
        occurred_at=NOW,
        details={"fields": ["bio", "role"], "nested": {"ok": True}, "n": 1},
    )
    await add_all(uow, entry)
    async with uow:
        page = await uow.audit_log.list(PageRequest(), actor_id=actor)
    assert list(page.items) == [entry] and page.total == 1
