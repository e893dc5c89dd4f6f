"""The problem layer answers an outage found anywhere under a request (Redis, the database,
an error wrapping one) with 503, ``Retry-After`` and the outage's reason, never 500."""

from __future__ import annotations

import sqlite3
from typing import Annotated

import pytest
from litestar import Litestar, get
from litestar.params import QueryParameter
from litestar.testing import AsyncTestClient
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import OperationalError

from alora_core.shared.errors import Unavailable
from entrypoints.http.problems import exception_handlers
from support.http import assert_problem

FAILURES: dict[str, BaseException] = {
    "redis": RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused."),
    "locked": OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked")),
    "refused": ConnectionRefusedError(111, "Connect call failed"),
    "storage": Unavailable("the file storage is unavailable; try again later"),
    "bug": ValueError("a bug"),
}


@get("/fail")
async def fail(name: Annotated[str, QueryParameter()]) -> None:
    if name == "wrapped":
        try:
            raise FAILURES["redis"]
        except RedisConnectionError as exc:
            raise RuntimeError("could not publish") from exc
    raise FAILURES[name]


@pytest.mark.parametrize(
    ("name", "reason", "retry_after"),
    [
        ("redis", "redis-unreachable", "5"),
        ("wrapped", "redis-unreachable", "5"),
        ("locked", "database-busy", "1"),
        ("refused", "database-unreachable", "5"),
        ("storage", None, "1"),
    ],
)
async def test_outages_answer_503_with_retry_after(
    name: str, reason: str | None, retry_after: str
) -> None:
    app = Litestar([fail], exception_handlers=exception_handlers())
    async with AsyncTestClient(app) as client:
        response = await client.get("/fail", params={"name": name})
    problem = assert_problem(response, 503)
    assert problem["type"].endswith("/unavailable")
    assert problem.get("reason") == reason
    assert response.headers["retry-after"] == retry_after


async def test_other_errors_stay_500() -> None:
    app = Litestar([fail], exception_handlers=exception_handlers())
    async with AsyncTestClient(app) as client:
        response = await client.get("/fail", params={"name": "bug"})
    assert_problem(response, 500)
    assert "retry-after" not in response.headers
