"""The SQL unit of work, through identity's, on SQLite and PostgreSQL: blocks, commits and
rollbacks, versions, conflicts, errors the database refuses with, races and events.

Each test's database is at the latest migration with empty tables (``migrated_database_url``);
the ``engine``, ``new_uow`` and ``uow`` fixtures are in ``conftest.py``.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.errors import invalid_from
from adapters.sqlalchemy.identity.tables import sessions_table, users_table
from adapters.sqlalchemy.identity.uow import SqlIdentityUnitOfWork
from alora_core.identity import events
from alora_core.identity.model import Purpose, RevokeReason
from alora_core.shared.errors import Conflict, Invalid
from alora_core.shared.pagination import PageRequest
from contexts.identity.records import (
    NOW,
    add_all,
    count_rows,
    is_postgres,
    make_code,
    make_session,
    make_user,
)

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
