"""Helpers for the real-time gateway tests: an in-memory Alora served by uvicorn, and clients.

The app runs in uvicorn on a free port of the test's event loop, so a test can publish through
``alora.realtime`` and read presence while its ``websockets`` clients are connected. The Alora
uses a ``FixedClock`` (tokens expire when the test says so); presence uses the real clock, as
the gateway's grace timers really sleep.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from attrs import define
from litestar import Litestar
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from adapters.memory.hasher import FastPasswordHasher
from adapters.memory.store import MemoryStore
from alora_core.messaging.connections.commands import (
    AcceptConnectionRequest,
    SendConnectionRequest,
)
from alora_core.shared.actor import Actor, Role
from alora_core.shared.clock import FixedClock, SystemClock
from entrypoints import bootstrap
from entrypoints.bootstrap import Alora
from entrypoints.http.app import create_app
from entrypoints.http.realtime import RealtimeHub
from entrypoints.modules import MODULES, ContextModule
from entrypoints.realtime_wiring import RealtimeParts, build_realtime
from entrypoints.settings import Settings
from support.http import Api, make_settings

WS_PATH = "/api/v1/ws"
TIMEOUT = 5.0

# Real-time defaults for these tests: a short grace period, a roomy rate limit.
GATEWAY_ENV = {
    "ALORA_PRESENCE_GRACE_SECONDS": "0.3",
    "ALORA_WS_HEARTBEAT_SECONDS": "30",
    "ALORA_WS_MESSAGES_PER_MINUTE": "1000",
}


# --- a served app --------------------------------------------------------------------------------


def realtime_parts(settings: Settings, redis_url: str | None = None) -> RealtimeParts:
    return build_realtime(
        redis_url,
        SystemClock(),
        presence_grace_seconds=settings.presence_grace_seconds,
        heartbeat_seconds=settings.ws_heartbeat_seconds,
    )


@define
class Gateway:
    api: Api
    base_url: str
    parts: RealtimeParts
    hub: RealtimeHub

    @property
    def alora(self) -> Alora:
        return self.api.alora

    @property
    def clock(self) -> FixedClock:
        return self.api.clock

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://") + WS_PATH

    def connect(
        self, token: str | None = None, *, headers: dict[str, str] | None = None
    ) -> connect:
        url = self.ws_url + (f"?token={token}" if token is not None else "")
        return connect(
            url,
            additional_headers=headers,
            open_timeout=TIMEOUT,
            ping_interval=None,  # the gateway's own heartbeat is what these tests look at
            compression=None,
            proxy=None,
            max_size=None,
        )

    async def user(self, username: str) -> tuple[str, str]:
        """A signed-in user: their id and access token."""
        user, token = await self.api.user(username)
        return str(user["id"]), token

    async def contacts(self, user_id: str, *others: str) -> None:
        """Make ``user_id`` a contact of each of ``others`` (presence shows to contacts only)."""
        await make_contacts(self.alora, user_id, *others)


async def make_contacts(alora: Alora, user_id: str, *others: str) -> None:
    """Connect ``user_id`` with each of ``others``: each asks, ``user_id`` accepts."""
    me = Actor(user_id=uuid.UUID(user_id), role=Role.CUSTOMER, email_verified=True)
    for other in others:
        them = Actor(user_id=uuid.UUID(other), role=Role.CUSTOMER, email_verified=True)
        asked = await alora.bus.handle(SendConnectionRequest(actor=them, user_id=me.user_id))
        await alora.bus.handle(AcceptConnectionRequest(actor=me, request_id=asked.request.id))


@asynccontextmanager
async def serve(app: Litestar | str, *, factory: bool = False) -> AsyncIterator[str]:
    """Run ``app`` (or the app factory ``app`` names, with ``factory``) in uvicorn on a free
    port of this event loop; yield its base URL."""
    config = uvicorn.Config(
        app, factory=factory, host="127.0.0.1", port=0, log_config=None, lifespan="on"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@asynccontextmanager
async def running_gateway(
    tmp_path: Path,
    *,
    redis_url: str | None = None,
    store: MemoryStore | None = None,
    clock: FixedClock | None = None,
    modules: Sequence[ContextModule] = MODULES,
    **env: str,
) -> AsyncIterator[Gateway]:
    """The app on an in-memory Alora made of ``modules``; ``store`` (default: a new one with
    every module's tables) lets two gateways share their data."""
    settings = make_settings(tmp_path, **{**GATEWAY_ENV, **env})
    clock = clock or FixedClock()
    parts = realtime_parts(settings, redis_url)
    alora = bootstrap.build_in_memory(
        realtime=parts,
        clock=clock,
        hasher=FastPasswordHasher(),
        secret_key=settings.secret_key,
        store=store,
        modules=modules,
    )
    app = create_app(settings, alora=alora)
    try:
        async with (
            serve(app) as base_url,
            httpx.AsyncClient(base_url=base_url, timeout=TIMEOUT) as client,
        ):
            api = Api(client=client, alora=alora, clock=clock, settings=settings)  # type: ignore[arg-type]
            yield Gateway(api=api, base_url=base_url, parts=parts, hub=app.state.realtime_hub)
    finally:
        await parts.close()


# --- reading sockets -----------------------------------------------------------------------------


async def receive(ws: ClientConnection, wait: float = TIMEOUT) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), wait))
    return message


async def expect(
    ws: ClientConnection, event: str, wait: float = TIMEOUT, *, skip_pings: bool = True
) -> dict[str, Any]:
    """The next message, which must be ``event`` (heartbeat pings in between are skipped)."""
    while True:
        message = await receive(ws, wait)
        if skip_pings and message["event"] == "ping" and event != "ping":
            continue
        assert message["event"] == event, message
        return message


async def request(
    ws: ClientConnection, event: str, data: dict[str, Any] | None = None, ref: str = "r1"
) -> dict[str, Any]:
    """Send a message with an ``id``; its answer (which must carry the same ``id``)."""
    await ws.send(json.dumps({"event": event, "data": data or {}, "id": ref}))
    while True:
        message = await receive(ws)
        if message.get("id") == ref:
            return message
        assert message["event"] in {"ping", "presence.changed"}, message


async def closed(ws: ClientConnection, wait: float = TIMEOUT) -> tuple[int | None, str | None]:
    """Read until the server closes the socket; its close code and reason."""
    try:
        while True:
            await asyncio.wait_for(ws.recv(), wait)
    except ConnectionClosed:
        return ws.close_code, ws.close_reason


async def quiet(ws: ClientConnection, seconds: float = 0.2) -> None:
    """Nothing arrives on ``ws`` for ``seconds``."""
    try:
        message = await asyncio.wait_for(ws.recv(), seconds)
    except TimeoutError:
        return
    raise AssertionError(f"unexpected message {message!r}")


async def eventually(condition: Callable[[], bool], wait: float = 2.0) -> None:
    """``condition()`` becomes true within ``wait`` seconds."""
    for _ in range(int(wait / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition did not become true in time")


@asynccontextmanager
async def answering_pings(ws: ClientConnection) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
    """Answer the server's heartbeat pings on ``ws``; every other message goes to the queue."""
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def answer() -> None:
        while True:
            message = json.loads(await ws.recv())
            if message["event"] == "ping":
                await ws.send(json.dumps({"event": "pong"}))
            else:
                inbox.put_nowait(message)

    task = asyncio.create_task(answer())
    try:
        yield inbox
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
            await task
