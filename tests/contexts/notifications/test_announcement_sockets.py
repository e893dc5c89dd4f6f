"""An announcement reaches every open socket of its recipients exactly once, and no one else's:
on one API process, and on two API processes sharing Redis (the notifications are pushed by
the process that committed them, through pub/sub to the other's sockets)."""

from __future__ import annotations

import asyncio
import uuid
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection

from adapters.memory.store import MemoryStore
from alora_core.shared.clock import FixedClock
from entrypoints.bootstrap import memory_store
from support.http import bearer
from support.realtime import Gateway, expect, quiet, running_gateway

PATH = "/api/v1/admin/notifications"
RECIPIENTS = 30


async def open_sockets(
    stack: AsyncExitStack, gateways: list[Gateway], tokens: list[str]
) -> list[ClientConnection]:
    """A ready socket per token, on the gateways in turn."""
    sockets = [
        await stack.enter_async_context(gateways[i % len(gateways)].connect(token))
        for i, token in enumerate(tokens)
    ]
    for ws in sockets:
        await expect(ws, "ready")
    return sockets


async def announce(gateway: Gateway, admin_token: str, recipients: list[str], marker: str) -> None:
    response = await gateway.api.client.post(
        PATH,
        json={
            "recipientIds": recipients,
            "type": "info",
            "title": "Maintenance tonight",
            "body": "Alora is offline from 02:00 to 02:30 UTC.",
            "data": {"marker": marker},
        },
        headers=bearer(admin_token),
    )
    assert response.status_code == 202, response.text
    assert response.json() == {"created": len(recipients)}


async def each_receives_it_once(
    sockets: list[ClientConnection], bystanders: list[ClientConnection], marker: str
) -> list[dict[str, Any]]:
    """Every socket reads one ``notification.created`` of this announcement and then nothing
    more; the bystanders read nothing. The notifications, in the order of ``sockets``."""
    received = await asyncio.gather(*(expect(ws, "notification.created") for ws in sockets))
    assert all(message["data"]["data"] == {"marker": marker} for message in received)
    await asyncio.gather(*(quiet(ws, 0.3) for ws in [*sockets, *bystanders]))
    return [message["data"] for message in received]


async def test_an_announcement_reaches_each_socket_of_each_recipient_once(
    tmp_path: Path,
) -> None:
    async with running_gateway(tmp_path) as gateway, AsyncExitStack() as stack:
        _, admin = await gateway.api.admin()
        users = [await gateway.user(f"user{i}") for i in range(RECIPIENTS)]
        _, bystander_token = await gateway.user("bystander")
        tokens = [token for _, token in users]
        sockets = await open_sockets(stack, [gateway], [*tokens, tokens[0]])  # user0 twice
        bystanders = await open_sockets(stack, [gateway], [bystander_token])

        marker = uuid.uuid4().hex
        await announce(gateway, admin, [user_id for user_id, _ in users], marker)
        notifications = await each_receives_it_once(sockets, bystanders, marker)
        # One notification per recipient; the two sockets of user0 show the same one.
        assert notifications[-1] == notifications[0]
        assert len({n["id"] for n in notifications}) == RECIPIENTS


async def test_an_announcement_reaches_sockets_on_both_api_processes_once(
    tmp_path: Path, redis_url: str
) -> None:
    store: MemoryStore = memory_store()
    clock = FixedClock()
    async with (
        running_gateway(tmp_path / "a", redis_url=redis_url, store=store, clock=clock) as one,
        running_gateway(tmp_path / "b", redis_url=redis_url, store=store, clock=clock) as two,
        AsyncExitStack() as stack,
    ):
        _, admin = await one.api.admin()
        users = [await one.user(f"user{i}") for i in range(RECIPIENTS)]
        _, bystander_token = await one.user("bystander")
        sockets = await open_sockets(stack, [one, two], [token for _, token in users])
        bystanders = await open_sockets(stack, [two], [bystander_token])
        await asyncio.sleep(0.2)  # the processes' SUBSCRIBEs reach Redis

        marker = uuid.uuid4().hex
        await announce(one, admin, [user_id for user_id, _ in users], marker)
        notifications = await each_receives_it_once(sockets, bystanders, marker)
        assert len({n["id"] for n in notifications}) == RECIPIENTS
