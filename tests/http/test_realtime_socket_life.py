"""How a socket's life ends: a client that vanishes mid-answer leaves nothing running and nothing
logged, and a user's sockets beyond ``ALORA_WS_MAX_SOCKETS_PER_USER`` close oldest first, on
any API process."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection

from alora_core.shared.clock import FixedClock
from entrypoints.bootstrap import memory_store
from entrypoints.http.realtime import session as session_module
from support.realtime import Gateway, closed, expect, request, running_gateway

SESSION_LOOPS = ("_receive_loop", "_heartbeat_loop", "_recheck_loop")


def session_loops_running() -> list[asyncio.Task[Any]]:
    """The tasks of a socket's loops still alive (there are none once its session ended)."""
    return [
        task
        for task in asyncio.all_tasks()
        if getattr(task.get_coro(), "__qualname__", "").endswith(SESSION_LOOPS)
    ]


async def test_a_client_gone_before_its_pong_leaves_no_task_and_no_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    unhandled: list[dict[str, Any]] = []
    asyncio.get_running_loop().set_exception_handler(lambda _, context: unhandled.append(context))
    client_gone = asyncio.Event()
    dispatch = session_module.SocketSession._dispatch

    async def answer_once_the_client_is_gone(self: Any, message: Any) -> str | None:
        await client_gone.wait()
        await asyncio.sleep(0.1)  # the server reads the reset of the connection
        return await dispatch(self, message)

    monkeypatch.setattr(session_module.SocketSession, "_dispatch", answer_once_the_client_is_gone)
    async with running_gateway(tmp_path, ALORA_WS_HEARTBEAT_SECONDS="1") as gw:
        _, token = await gw.user("ann")
        ws = await gw.connect(token)
        await expect(ws, "ready")
        await ws.send(json.dumps({"event": "ping"}))
        ws.transport.abort()  # the client drops without a close frame
        client_gone.set()

        await asyncio.wait_for(gw.hub.wait_no_sockets(), 5)
        assert session_loops_running() == []
        await asyncio.sleep(1.5)  # past a heartbeat, when a stray loop would have pinged
    gc.collect()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert unhandled == []


# --- sockets per user ----------------------------------------------------------------------------

CAP_3 = {"ALORA_WS_MAX_SOCKETS_PER_USER": "3"}
REPLACED = (4409, "over 3 sockets for this user: the oldest closes")


async def open_ready(gw: Gateway, token: str, stack: AsyncExitStack) -> ClientConnection:
    ws = await stack.enter_async_context(gw.connect(token))
    await expect(ws, "ready")
    return ws


async def still_open(ws: ClientConnection) -> bool:
    return (await request(ws, "ping", ref="open?"))["event"] == "pong"


async def test_a_socket_beyond_the_cap_closes_the_users_oldest(tmp_path: Path) -> None:
    async with (
        running_gateway(tmp_path, **CAP_3) as gw,
        AsyncExitStack() as stack,
    ):
        _, token = await gw.user("ann")
        _, bob_token = await gw.user("bob")
        bob = await open_ready(gw, bob_token, stack)
        first, second, third = [await open_ready(gw, token, stack) for _ in range(3)]

        fourth = await open_ready(gw, token, stack)
        assert await closed(first) == REPLACED
        fifth = await open_ready(gw, token, stack)
        assert await closed(second) == REPLACED
        for ws in (third, fourth, fifth, bob):
            assert await still_open(ws)


async def test_the_cap_counts_a_users_sockets_on_every_process(
    tmp_path: Path, redis_url: str
) -> None:
    store, clock = memory_store(), FixedClock()
    async with (
        running_gateway(
            tmp_path / "a", redis_url=redis_url, store=store, clock=clock, **CAP_3
        ) as one,
        running_gateway(
            tmp_path / "b", redis_url=redis_url, store=store, clock=clock, **CAP_3
        ) as two,
        AsyncExitStack() as stack,
    ):
        _, token = await one.user("ann")
        oldest = await open_ready(one, token, stack)
        others = [await open_ready(two, token, stack) for _ in range(2)]
        newest = await open_ready(one, token, stack)
        assert await closed(oldest) == REPLACED
        replacing = await open_ready(one, token, stack)
        assert await closed(others[0]) == REPLACED  # on the other process
        for ws in (others[1], newest, replacing):
            assert await still_open(ws)
