"""Messaging across two API processes behind one PostgreSQL and one Redis: a message sent
through the first reaches a member's socket on the second, and so does typing."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from alora_core.identity.commands import AdminUpdateUser, CreateAdmin
from alora_core.shared.actor import Actor, Role
from contexts.messaging.realtime_harness import make_conversation
from entrypoints import bootstrap
from entrypoints.migrations import upgrade
from entrypoints.settings import load_settings
from support.processes import alora_environment, free_port, start_alora, stop, wait_ready

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

PASSWORD = "correct horse battery staple"


@pytest.fixture
async def deployment(
    fresh_postgres_url: str, redis_url: str, tmp_path: Path
) -> AsyncIterator[tuple[str, str, str]]:
    """Two API processes; ann and bob, members of one conversation. Yields the two base URLs
    and the conversation's id."""
    await upgrade(fresh_postgres_url)
    env = alora_environment(
        ALORA_DATABASE_URL=fresh_postgres_url,
        ALORA_REDIS_URL=redis_url,
        ALORA_VAR_DIR=str(tmp_path / "var"),
        ALORA_RELAY_POLL_SECONDS="0.2",
        ALORA_LOG_LEVEL="warning",
    )
    alora = await bootstrap.build(load_settings(env, dotenv=None))
    try:
        admin = None
        ids = []
        for username in ("root", "ann", "bob"):
            user = await alora.bus.handle(
                CreateAdmin(
                    full_name=username.title(),
                    username=username,
                    email=f"{username}@example.com",
                    password=PASSWORD,
                )
            )
            if admin is None:
                admin = Actor(user_id=user.id, role=Role.ADMIN, email_verified=True)
            else:
                ids.append(user.id)
        for user_id in ids:
            await alora.bus.handle(
                AdminUpdateUser(actor=admin, user_id=user_id, changes={"role": "customer"})
            )
        conversation = await make_conversation(alora, ids)
    finally:
        await alora.aclose()

    log = tmp_path / "processes.log"
    ports = [free_port(), free_port()]
    processes = [start_alora(["serve", "--port", str(port)], env, log) for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url in urls:
            await wait_ready(url)
        yield urls[0], urls[1], str(conversation)
    finally:
        for process in processes:
            stop(process)


async def login(base_url: str, username: str) -> str:
    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await client.post(
            "/api/v1/auth/login", json={"identifier": username, "password": PASSWORD}
        )
    assert response.status_code == 200, response.text
    token: str = response.json()["accessToken"]
    return token


async def next_event(socket: Any, name: str, within: float = 20) -> dict[str, Any]:
    async with asyncio.timeout(within):
        while True:
            message = json.loads(await socket.recv())
            if message["event"] == name:
                data: dict[str, Any] = message["data"]
                return data


def socket_url(base_url: str, token: str) -> str:
    return base_url.replace("http", "ws") + "/api/v1/ws?token=" + token


async def test_a_message_sent_through_one_process_reaches_a_socket_on_the_other(
    deployment: tuple[str, str, str],
) -> None:
    first, second, conversation = deployment
    ann, bob = await login(first, "ann"), await login(second, "bob")
    async with (
        websockets.connect(socket_url(second, bob)) as bob_socket,
        websockets.connect(socket_url(first, ann)) as ann_socket,
    ):
        await next_event(bob_socket, "ready")
        await next_event(ann_socket, "ready")
        async with httpx.AsyncClient(base_url=first) as client:
            response = await client.post(
                f"/api/v1/conversations/{conversation}/messages",
                json={"clientId": str(uuid.uuid4()), "body": "Across processes"},
                headers={"Authorization": f"Bearer {ann}"},
            )
        assert response.status_code == 201, response.text
        created = await next_event(bob_socket, "message.created")
        assert created["message"] == response.json()
        assert created["conversationId"] == conversation

        await ann_socket.send(
            json.dumps({"event": "typing.start", "data": {"conversationId": conversation}})
        )
        assert (await next_event(ann_socket, "typing.sent"))["forwarded"] is True
        typing = await next_event(bob_socket, "typing")
        assert (typing["conversationId"], typing["typing"]) == (conversation, True)
