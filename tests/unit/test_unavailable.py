"""What an outage of the database or Redis means: ``Unavailable`` with a reason and a wait."""

from __future__ import annotations

import asyncio
import socket
import sqlite3

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from adapters.outages import unavailable_from
from adapters.sqlalchemy.database import WriteGate
from alora_core.shared.errors import Unavailable


def _operational(message: str) -> OperationalError:
    return OperationalError("INSERT ...", {}, sqlite3.OperationalError(message))


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (_operational("database is locked"), "database-busy"),
        (_operational("unable to open database file"), "database-unreachable"),
        (ConnectionRefusedError(111, "Connect call failed"), "database-unreachable"),
        (socket.gaierror(-2, "Name or service not known"), "database-unreachable"),
        (PoolTimeoutError("QueuePool limit reached"), "database-unreachable"),
        (RedisConnectionError("Connection refused"), "redis-unreachable"),
        (RedisTimeoutError("Timeout reading from socket"), "redis-unreachable"),
    ],
)
def test_outages_are_unavailable_with_a_reason_and_a_wait(
    error: BaseException, reason: str
) -> None:
    found = unavailable_from(error)
    assert found is not None
    assert found.reason == reason
    assert found.retry_after_seconds >= 1


def test_an_outage_behind_another_error_or_in_a_group_is_found() -> None:
    try:
        try:
            raise RedisConnectionError("Connection refused")
        except RedisConnectionError as exc:
            raise RuntimeError("could not publish") from exc
    except RuntimeError as wrapped:
        found = unavailable_from(wrapped)
    assert found is not None and found.reason == "redis-unreachable"
    group = ExceptionGroup("dependencies", [ConnectionRefusedError(111, "refused")])
    assert unavailable_from(group) is not None
    # Two requests' dependencies failing at once for the same outage.
    both = ExceptionGroup("deps", [ConnectionRefusedError(111, "a"), ConnectionResetError(104)])
    found = unavailable_from(both)
    assert found is not None and found.reason == "database-unreachable"
    # An outage beside a bug is the bug's 500.
    assert unavailable_from(ExceptionGroup("x", [ConnectionRefusedError(), ValueError()])) is None


def test_the_servers_connection_limit_is_an_outage() -> None:
    from asyncpg.exceptions import TooManyConnectionsError

    found = unavailable_from(TooManyConnectionsError("sorry, too many clients already"))
    assert found is not None and found.reason == "database-unreachable"


@pytest.mark.parametrize(
    "error",
    [
        ValueError("a bug"),
        PermissionError(13, "Permission denied"),
        _operational("no such table: bookings"),
        InterfaceError("INSERT ...", {}, sqlite3.InterfaceError("Error binding parameter 1")),
        IntegrityError("INSERT ...", {}, sqlite3.IntegrityError("UNIQUE constraint failed")),
    ],
)
def test_other_errors_are_not_outages(error: BaseException) -> None:
    assert unavailable_from(error) is None


async def test_the_write_gate_lets_writers_in_one_at_a_time_in_order() -> None:
    gate = WriteGate(timeout_seconds=5)
    order: list[int] = []

    async def write(n: int) -> None:
        async with gate.holding():
            order.append(n)
            await asyncio.sleep(0)
            order.append(n)

    await asyncio.gather(*(write(n) for n in range(5)))
    assert order == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]


async def test_a_writer_waiting_beyond_the_timeout_is_told_the_database_is_busy() -> None:
    gate = WriteGate(timeout_seconds=0.05)
    async with gate.holding():
        with pytest.raises(Unavailable) as raised:
            await gate.acquire()
    assert raised.value.reason == "database-busy"
    async with gate.holding():  # the gate was let go, and the late writer took nothing
        pass
