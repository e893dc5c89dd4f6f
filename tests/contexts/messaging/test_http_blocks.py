"""Blocks over HTTP, on the in-memory wiring: blocking and unblocking idempotently, the list,
what a block hides from the blocked user, bad input; and the daily cap on requests (429)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from adapters.memory.hasher import FastPasswordHasher
from alora_core.shared.clock import FixedClock
from contexts.messaging.connections_http import (
    CONNECTIONS,
    REQUESTS,
    Person,
    act,
    ask,
    listed,
    person,
)
from entrypoints import bootstrap
from entrypoints.http.app import create_app
from support.contract import reason_checker
from support.http import BASE_URL, UNKNOWN_ID, Api, assert_problem, make_settings, open_api

BLOCKS = "/api/v1/blocks"


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for value in open_api(tmp_path):
        yield value


async def block(api: Api, user: Person, other: str) -> int:
    response = await api.client.post(f"{BLOCKS}/{other}", headers=user.headers)
    if response.status_code == 204:
        assert not response.content
    return response.status_code


async def unblock(api: Api, user: Person, other: str) -> int:
    response = await api.client.delete(f"{BLOCKS}/{other}", headers=user.headers)
    return response.status_code


async def test_block_list_and_unblock_idempotently(api: Api) -> None:
    ana, ben = await person(api, "ana"), await person(api, "ben")
    assert [await block(api, ana, ben.id) for _ in range(2)] == [204, 204]
    body = await listed(api, ana, BLOCKS)
    assert (body["total"], body["pages"]) == (1, 1)
    [item] = body["items"]
    assert set(item) == {"user", "blockedAt"}
    assert item["user"] == {
        "id": ben.id,
        "fullName": "Ben",
        "username": "ben",
        "avatarFileId": None,
    }
    assert (await listed(api, ben, BLOCKS))["items"] == []

    assert [await unblock(api, ana, ben.id) for _ in range(2)] == [204, 204]
    assert (await listed(api, ana, BLOCKS))["items"] == []
    assert await unblock(api, ana, UNKNOWN_ID) == 204


async def test_a_block_is_not_told_to_the_blocked_user(api: Api) -> None:
    ana, ben = await person(api, "ana"), await person(api, "ben")
    request_id = (await ask(api, ana, ben)).json()["id"]
    await act(api, ben, request_id, "accept")
    await block(api, ben, ana.id)

    assert (await listed(api, ana, CONNECTIONS))["items"] == []
    blocked = assert_problem(await ask(api, ana, ben), 404)
    unknown = assert_problem(
        await api.client.post(REQUESTS, json={"userId": UNKNOWN_ID}, headers=ana.headers), 404
    )
    assert {key: blocked[key] for key in ("type", "title", "detail")} == {
        key: unknown[key] for key in ("type", "title", "detail")
    }
    assert "reason" not in blocked
    assert_problem(await ask(api, ben, ana), 404)


async def test_bad_ids_and_oneself(api: Api) -> None:
    ana = await person(api, "ana")
    for bad in ("not-a-uuid", "1", UNKNOWN_ID):
        assert_problem(await api.client.post(f"{BLOCKS}/{bad}", headers=ana.headers), 404)
    for bad in ("not-a-uuid", "1"):
        assert_problem(await api.client.delete(f"{BLOCKS}/{bad}", headers=ana.headers), 404)
    assert_problem(await api.client.post(f"{BLOCKS}/{ana.id}", headers=ana.headers), 422, "userId")
    for params in ({"page": "0"}, {"pageSize": "101"}, {"page": "x"}):
        response = await api.client.get(BLOCKS, params=params, headers=ana.headers)
        assert response.status_code in (400, 422), response.text


async def test_block_routes_need_a_signed_in_user(api: Api) -> None:
    for method in ("POST", "DELETE"):
        assert_problem(await api.client.request(method, f"{BLOCKS}/{UNKNOWN_ID}"), 401)
    assert_problem(await api.client.get(BLOCKS), 401)


@pytest.fixture
async def capped(tmp_path: Path) -> AsyncIterator[Api]:
    clock = FixedClock()
    alora = bootstrap.build_in_memory(
        clock=clock,
        hasher=FastPasswordHasher(),
        environ={"ALORA_MESSAGING_REQUESTS_PER_DAY": "1"},
    )
    settings = make_settings(tmp_path)
    app = create_app(settings, alora=alora)
    async with AsyncTestClient(app, base_url=BASE_URL) as client:
        client.event_hooks["response"].append(reason_checker(app))
        yield Api(client=client, alora=alora, clock=clock, settings=settings)


async def test_requests_beyond_the_day_s_cap_are_429_with_retry_after(capped: Api) -> None:
    ana, ben, cleo = [await person(capped, name) for name in ("ana", "ben", "cleo")]
    first: Any = (await ask(capped, ana, ben)).json()
    await act(capped, ana, first["id"], "withdraw")
    response = await ask(capped, ana, cleo)
    body = assert_problem(response, 429)
    assert body["reason"] == "requests-per-day"
    assert response.headers["Retry-After"] == str(24 * 3600)
