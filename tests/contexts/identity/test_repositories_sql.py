"""The SQLAlchemy identity adapter (tables, mapping, repositories, unit of work) on SQLite and
PostgreSQL, held to the behaviour of the in-memory adapter.

SQLite tests migrate a fresh file each; PostgreSQL tests share the session database, migrated
once, and start from empty tables (``migrated_database_url`` in ``tests/conftest.py``).
"""

from __future__ import annotations

import asyncio
import gc
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from alembic import command
from sqlalchemy import event, inspect, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.identity.uow import MemoryIdentityUnitOfWork
from adapters.sqlalchemy.audit import audit_log_table
from adapters.sqlalchemy.database import create_engine
from adapters.sqlalchemy.errors import invalid_from
from adapters.sqlalchemy.identity.tables import (
    codes_table,
    refresh_tokens_table,
    sessions_table,
    users_table,
)
from adapters.sqlalchemy.identity.uow import SqlIdentityUnitOfWork
from adapters.sqlalchemy.migrate import alembic_config, migration_engine
from adapters.sqlalchemy.uow import session_factory
from alora_core.identity import events
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
from alora_core.shared.errors import Conflict, Invalid
from alora_core.shared.pagination import MAX_PAGE, MAX_PAGE_SIZE, PageRequest
from entrypoints.bootstrap import memory_store
from entrypoints.migrations import heads, schema, upgrade

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
IDENTITY_TABLES = ("users", "sessions", "refresh_tokens", "one_time_codes", "audit_log")

# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
async def engine(migrated_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(migrated_database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def new_uow(engine: AsyncEngine) -> Callable[[], SqlIdentityUnitOfWork]:
    sessions = session_factory(engine)
    return lambda: SqlIdentityUnitOfWork(sessions)


@pytest.fixture
def uow(new_uow: Callable[[], SqlIdentityUnitOfWork]) -> SqlIdentityUnitOfWork:
    return new_uow()


def is_postgres(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"


# --- builders ----------------------------------------------------------------------------------


def make_user(name: str = "ana", *, at: datetime = NOW, **overrides: Any) -> User:
    fields: dict[str, Any] = {
        "full_name": f"{name.title()} Example",
        "username": name,
        "email": f"{name}@example.com",
        "phone": None,
        "password_hash": "hash",
        "role": Role.CUSTOMER,
        "created_at": at,
    } | overrides
    return User(**fields)


def make_session(user: User, *, at: datetime = NOW, **overrides: Any) -> Session:
    fields: dict[str, Any] = {
        "user_id": user.id,
        "token_hash": uuid.uuid4().hex,
        "created_at": at,
        "expires_at": at + timedelta(days=7),
        "last_used_at": at,
    } | overrides
    return Session(**fields)


def make_code(
    user: User, purpose: Purpose = Purpose.VERIFY_EMAIL, at: datetime = NOW
) -> OneTimeCode:
    return OneTimeCode.issue(user.id, purpose, uuid.uuid4().hex, at, timedelta(minutes=15), 3)


async def add_all(uow: SqlIdentityUnitOfWork, *objects: object) -> None:
    async with uow:
        for obj in objects:
            if isinstance(obj, User):
                await uow.users.add(obj)
            elif isinstance(obj, Session):
                await uow.sessions.add(obj)
            elif isinstance(obj, OneTimeCode):
                await uow.codes.add(obj)
            else:
                assert isinstance(obj, AuditEntry)
                await uow.audit_log.add(obj)
        await uow.commit()


async def count_rows(engine: AsyncEngine, table_name: str) -> int:
    async with engine.connect() as connection:
        return int(
            (await connection.execute(text(f"SELECT count(*) FROM {table_name}"))).scalar_one()
        )


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


# --- unit of work ------------------------------------------------------------------------------


async def test_objects_stay_usable_after_the_block(uow: SqlIdentityUnitOfWork) -> None:
    user = make_user()
    await add_all(uow, user)
    async with uow:
        read = await uow.users.get(user.id)  # no commit: the block ends in a rollback
    assert read is not None and read.email == "ana@example.com"
    async with uow:  # the same unit of work, again
        written = await uow.users.get(user.id)
        assert written is not None and written is not read
        written.full_name = "Ana Changed"
        await uow.commit()
    assert written.full_name == "Ana Changed" and written.version == 2


async def test_leaving_without_commit_rolls_back(uow: SqlIdentityUnitOfWork) -> None:
    async with uow:
        await uow.users.add(make_user())
    async with uow:
        assert await uow.users.find_by_email("ana@example.com") is None


async def test_explicit_rollback_forgets_changes(uow: SqlIdentityUnitOfWork) -> None:
    user = make_user()
    await add_all(uow, user)
    async with uow:
        loaded = await uow.users.get(user.id)
        assert loaded is not None
        loaded.full_name = "Changed"
        await uow.rollback()
        fresh = await uow.users.get(user.id)
        assert fresh is not None and fresh.full_name == "Ana Example"
        await uow.commit()
    async with uow:
        stored = await uow.users.get(user.id)
    assert stored is not None and stored.full_name == "Ana Example" and stored.version == 1


async def test_version_grows_once_per_commit_that_changed_the_row(
    uow: SqlIdentityUnitOfWork,
) -> None:
    user = make_user()
    await add_all(uow, user)
    async with uow:
        loaded = await uow.users.get(user.id)
        assert loaded is not None
        loaded.full_name = "One"
        await uow.users.find_by_email("x@example.com")  # autoflush: UPDATE inside the transaction
        loaded.bio = "two"
        await uow.commit()
        assert loaded.version == 2
        loaded.bio = "three"
        await uow.commit()  # the session stays usable after commit
        assert loaded.version == 3
        await uow.commit()  # nothing changed
        assert loaded.version == 3
    async with uow:
        stored = await uow.users.get(user.id)
    assert stored is not None and (stored.version, stored.bio) == (3, "three")


async def test_commit_then_keep_going_like_the_wrong_code_path(
    uow: SqlIdentityUnitOfWork,
) -> None:
    user = make_user()
    code = make_code(user)
    await add_all(uow, user, code)
    async with uow:
        stored = await uow.codes.latest(user.id, Purpose.VERIFY_EMAIL)
        assert stored is not None
        assert not stored.attempt("wrong", NOW)
        await uow.commit()
        assert not stored.attempt("wrong again", NOW)
        await uow.commit()
    async with uow:
        again = await uow.codes.latest(user.id, Purpose.VERIFY_EMAIL)
    assert again is not None and (again.attempts, again.version) == (2, 3)


@pytest.mark.parametrize("column", ["email", "username", "phone"])
async def test_a_duplicate_unique_value_is_a_conflict_naming_the_field(
    new_uow: Callable[[], SqlIdentityUnitOfWork], column: str
) -> None:
    first = make_user("ana", phone="+14155550100")
    await add_all(new_uow(), first)
    second = make_user("bob", phone="+14155550101")
    setattr(second, column, getattr(first, column))
    uow = new_uow()
    async with uow:
        await uow.users.add(second)
        with pytest.raises(Conflict) as raised:
            await uow.commit()
        assert raised.value.field == column
        # The unit of work goes on after a conflict, with fresh reads.
        assert await uow.users.find_by_username("bob") is None
        assert await uow.users.find_by_username("ana") is not None
    assert uow.collect_events() == []


async def test_an_autoflush_that_breaks_a_constraint_is_a_conflict_too(
    uow: SqlIdentityUnitOfWork,
) -> None:
    await add_all(uow, make_user("ana"))
    async with uow:
        await uow.users.add(make_user("bob", email="ana@example.com"))
        with pytest.raises(Conflict) as raised:
            await uow.users.find_by_username("bob")
    assert raised.value.field == "email"


async def test_many_users_may_have_no_phone(uow: SqlIdentityUnitOfWork) -> None:
    await add_all(uow, make_user("ana"), make_user("bob"), make_user("cid"))
    async with uow:
        assert (await uow.users.search(PageRequest(), None, None)).total == 3


async def test_a_duplicate_primary_key_is_a_conflict(
    new_uow: Callable[[], SqlIdentityUnitOfWork],
) -> None:
    user = make_user("ana")
    await add_all(new_uow(), user)
    with pytest.raises(Conflict) as raised:
        await add_all(new_uow(), make_user("bob", id=user.id))
    assert raised.value.field is None


async def test_text_with_a_nul_character(engine: AsyncEngine, uow: SqlIdentityUnitOfWork) -> None:
    """PostgreSQL refuses NUL in text (SQLSTATE 22021): ``Invalid``, never a 500, and the unit
    of work goes on. SQLite stores and compares it like any other character."""
    async with uow:
        await uow.users.add(make_user("ana", full_name="Ana\x00Example"))
        if is_postgres(engine):
            with pytest.raises(Invalid, match="not acceptable to the database"):
                await uow.commit()
        else:
            await uow.commit()
    async with uow:
        if is_postgres(engine):
            with pytest.raises(Invalid):
                await uow.users.find_by_username("ana\x00")
            with pytest.raises(Invalid):
                await uow.users.search(PageRequest(), None, "\x00")
            assert await uow.users.find_by_username("ana") is None
        else:
            assert await uow.users.find_by_username("ana\x00") is None
            stored = await uow.users.find_by_username("ana")
            assert stored is not None and stored.full_name == "Ana\x00Example"
            assert (await uow.users.search(PageRequest(), None, "\x00")).total == 1


async def test_an_integer_beyond_64_bits_is_invalid(uow: SqlIdentityUnitOfWork) -> None:
    await add_all(uow, make_user("ana"))
    async with uow:
        with pytest.raises(Invalid):  # SQLite: OverflowError; PostgreSQL: asyncpg's DataError
            await uow.execute(select(users_table).where(users_table.c.version == 2**64))
        assert await uow.users.find_by_username("ana") is not None


@pytest.mark.parametrize(
    "expression",
    ["CAST(2147483647 AS INTEGER) + 1", "CAST('abc' AS INTEGER)"],
    ids=["numeric-out-of-range", "invalid-text-representation"],
)
async def test_other_data_exceptions_are_invalid_on_postgres(
    engine: AsyncEngine, uow: SqlIdentityUnitOfWork, expression: str
) -> None:
    """SQLSTATE 22003 and 22P02 on PostgreSQL; SQLite computes a value instead."""
    async with uow:
        if is_postgres(engine):
            with pytest.raises(Invalid):
                await uow.execute(text(f"SELECT {expression}"))
        else:
            await uow.execute(text(f"SELECT {expression}"))
        assert await uow.users.find_by_username("nobody") is None


def test_only_data_errors_are_invalid() -> None:
    assert isinstance(invalid_from(DataError("SELECT 1", {}, Exception("bad"))), Invalid)
    assert invalid_from(OperationalError("SELECT 1", {}, Exception("locked"))) is None
    assert invalid_from(OverflowError("date value out of range")) is None
    assert isinstance(
        invalid_from(OverflowError("Python int too large to convert to SQLite INTEGER")), Invalid
    )


async def test_a_stale_version_is_a_conflict(uow: SqlIdentityUnitOfWork) -> None:
    user = make_user()
    session = make_session(user)
    await add_all(uow, user, session)
    async with uow:
        loaded = await uow.sessions.get(session.id)
        assert loaded is not None
        # Someone else's committed change, as the row looks to our UPDATE.
        await uow.session.execute(
            update(sessions_table)
            .where(sessions_table.c.id == session.id)
            .values(version=sessions_table.c.version + 1)
        )
        loaded.revoke(RevokeReason.LOGOUT, NOW)
        with pytest.raises(Conflict, match="changed by someone else"):
            await uow.commit()


async def test_concurrent_updates_of_one_session(
    engine: AsyncEngine, new_uow: Callable[[], SqlIdentityUnitOfWork]
) -> None:
    """PostgreSQL: both read version 1, exactly one write wins. SQLite: BEGIN IMMEDIATE makes the
    second unit of work wait for the first, so it reads version 2 and both succeed."""
    user = make_user()
    session = make_session(user)
    await add_all(new_uow(), user, session)
    both_read = asyncio.Barrier(2) if is_postgres(engine) else None

    async def change(reason: RevokeReason) -> str:
        uow = new_uow()
        async with uow:
            loaded = await uow.sessions.get(session.id)
            assert loaded is not None
            if both_read is not None:
                await both_read.wait()
            loaded.revoked_at = None
            loaded.revoke(reason, NOW)
            try:
                await uow.commit()
            except Conflict:
                return "conflict"
        return "ok"

    outcomes = await asyncio.gather(change(RevokeReason.LOGOUT), change(RevokeReason.ADMIN))
    uow = new_uow()
    async with uow:
        stored = await uow.sessions.get(session.id)
    assert stored is not None
    if is_postgres(engine):
        assert sorted(outcomes) == ["conflict", "ok"]
        assert stored.version == 2
    else:
        assert list(outcomes) == ["ok", "ok"]
        assert stored.version == 3


async def test_same_email_race(
    engine: AsyncEngine, new_uow: Callable[[], SqlIdentityUnitOfWork]
) -> None:
    """20 registrations of one email at once: the unique constraint lets exactly one through
    (PostgreSQL: concurrent inserts; SQLite: writers queue, the later ones hit the constraint)."""

    async def register(i: int) -> str | None:
        uow = new_uow()
        try:
            async with uow:
                await uow.users.add(make_user(f"user{i}", email="same@example.com"))
                await uow.commit()
        except Conflict as conflict:
            return conflict.field
        return "ok"

    outcomes = await asyncio.gather(*(register(i) for i in range(20)))
    assert outcomes.count("ok") == 1
    assert outcomes.count("email") == 19
    assert await count_rows(engine, "users") == 1


# --- events ------------------------------------------------------------------------------------


async def test_events_are_collected_after_commit_only_and_once(uow: SqlIdentityUnitOfWork) -> None:
    user = make_user()
    registered = events.UserRegistered(
        occurred_at=NOW, user_id=user.id, email=user.email, full_name=user.full_name, role="x"
    )
    user.record(registered)
    async with uow:
        await uow.users.add(user)
        assert uow.collect_events() == []
        await uow.commit()
        await uow.commit()
    assert uow.collect_events() == [registered]
    assert uow.collect_events() == []


async def test_events_of_a_rolled_back_unit_of_work_are_dropped(
    uow: SqlIdentityUnitOfWork,
) -> None:
    user = make_user()
    await add_all(uow, user)
    async with uow:
        loaded = await uow.users.get(user.id)
        assert loaded is not None
        loaded.verify_email(NOW)
    assert uow.collect_events() == []


async def test_events_of_unchanged_and_deleted_aggregates_are_collected(
    engine: AsyncEngine, uow: SqlIdentityUnitOfWork
) -> None:
    ana, bob = make_user("ana"), make_user("bob")
    await add_all(uow, ana, bob)
    async with uow:
        loaded = await uow.users.get(ana.id)
        assert loaded is not None
        issued = events.PasswordChanged(occurred_at=NOW, user_id=ana.id)
        loaded.record(issued)  # an event, but no change of a column
        del loaded
        gc.collect()  # the identity map holds unchanged objects weakly
        doomed = await uow.users.get(bob.id)
        assert doomed is not None
        doomed.mark_deleted(NOW)
        await uow.users.delete(doomed)
        del doomed
        await uow.commit()
    collected = uow.collect_events()
    assert collected[0] == issued
    assert [type(e) for e in collected] == [events.PasswordChanged, events.UserDeleted]
    assert await count_rows(engine, "users") == 1


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


async def test_active_by_session_is_one_query(
    engine: AsyncEngine, uow: SqlIdentityUnitOfWork
) -> None:
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
            found = await uow.users.active_by_session(active.id, NOW)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", count)
        assert found == ana
        assert len(statements) == 1, statements
        for session in (revoked, expired, ends_now):
            assert await uow.users.active_by_session(session.id, NOW) is None
        assert await uow.users.active_by_session(uuid.uuid4(), NOW) is None


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


# --- schema ------------------------------------------------------------------------------------


@pytest.fixture(
    params=["sqlite_url", pytest.param("fresh_postgres_url", marks=pytest.mark.postgres)]
)
def empty_database_url(request: pytest.FixtureRequest) -> str:
    """A database of its own (not the shared PostgreSQL one), to migrate down and up."""
    url: str = request.getfixturevalue(request.param)
    return url


async def test_the_migration_downgrades_to_nothing_and_back(empty_database_url: str) -> None:
    url = empty_database_url

    def downgrade_to_base(connection: Connection) -> list[str]:
        config = alembic_config(schema())
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
        return sorted(inspect(connection).get_table_names())

    assert set(await upgrade(url)) == heads()
    engine = migration_engine(url)
    try:
        async with engine.begin() as connection:
            assert await connection.run_sync(downgrade_to_base) == ["alembic_version"]
    finally:
        await engine.dispose()
    assert set(await upgrade(url)) == heads()


async def test_the_tables_have_the_expected_constraints(engine: AsyncEngine) -> None:
    def inspect_schema(connection: Connection) -> dict[str, Any]:
        inspector = inspect(connection)
        return {
            "unique": sorted(
                c["column_names"][0] for c in inspector.get_unique_constraints("users")
            ),
            "cascades": sorted(
                (table, fk["options"].get("ondelete"))
                for table in ("sessions", "one_time_codes", "refresh_tokens")
                for fk in inspector.get_foreign_keys(table)
            ),
        }

    async with engine.connect() as connection:
        schema = await connection.run_sync(inspect_schema)
    assert schema["unique"] == ["email", "phone", "username"]
    assert schema["cascades"] == [
        ("one_time_codes", "CASCADE"),
        ("refresh_tokens", "CASCADE"),
        ("sessions", "CASCADE"),
    ]


def test_every_attrs_field_is_a_column() -> None:
    for cls, table in [
        (User, users_table),
        (Session, sessions_table),
        (OneTimeCode, codes_table),
        (AuditEntry, audit_log_table),
    ]:
        assert {f.name for f in attrs.fields(cls)} == set(table.c.keys()), cls
    assert set(refresh_tokens_table.c.keys()) == {"token_hash", "session_id", "created_at"}


async def test_reads_do_not_wait_for_a_writer(
    new_uow: Callable[[], SqlIdentityUnitOfWork],
) -> None:
    async with new_uow() as setup:
        await setup.users.add(make_user("ana"))
        await setup.commit()
    writer, reader = new_uow(), new_uow()
    async with writer:
        user = await writer.users.find_by_username("ana")  # holds SQLite's write lock
        assert user is not None
        user.bio = "pending"
        await writer.users.add(make_user("bob"))
        async with reader.reading():
            seen = await reader.users.find_by_username("ana")
            assert seen is not None
            assert seen.bio == ""  # the writer's change is not visible before its commit
            assert await reader.users.find_by_username("bob") is None
        await writer.commit()


async def test_a_reading_unit_of_work_cannot_commit(uow: SqlIdentityUnitOfWork) -> None:
    async with uow.reading():
        with pytest.raises(RuntimeError):
            await uow.commit()
    async with uow:  # the next block is an ordinary one again
        await uow.users.add(make_user("ana"))
        await uow.commit()
