"""Two API processes behind one PostgreSQL and one Redis, and a worker: a socket on the first
receives the notification caused by a request to the second, presence is shared, and so are
the end of a session, a user's socket cap and who may follow a presence (the users following
each other's presence are contacts)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from alora_core.identity.commands import AdminUpdateUser, CreateAdmin
from alora_core.shared.actor import Actor, Role
from entrypoints import bootstrap
from entrypoints.migrations import upgrade
from entrypoints.settings import load_settings
from support.processes import alora_environment, free_port, start_alora, stop, wait_ready
from support.realtime import make_contacts

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

PASSWORD = "correct horse battery staple"


async def login(base_url: str, username: str, device: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await client.post(
            "/api/v1/auth/login",
            json={"identifier": username, "password": PASSWORD},
            headers={"User-Agent": device},
        )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def next_event(socket: Any, name: str, within: float = 20) -> dict[str, Any]:
    """The data of the next message called ``name`` (others are skipped)."""
    async with asyncio.timeout(within):
        while True:
            message = json.loads(await socket.recv())
            if message["event"] == name:
                data: dict[str, Any] = message["data"]
                return data


@pytest.fixture
async def deployment(
    fresh_postgres_url: str, redis_url: str, tmp_path: Path
) -> AsyncIterator[tuple[str, str]]:
    """Two API processes and a worker; yields the two base URLs."""
    await upgrade(fresh_postgres_url)
    env = alora_environment(
        ALORA_DATABASE_URL=fresh_postgres_url,
        ALORA_REDIS_URL=redis_url,
        ALORA_VAR_DIR=str(tmp_path / "var"),
        ALORA_RELAY_POLL_SECONDS="0.2",
        ALORA_PRESENCE_GRACE_SECONDS="0.5",
        ALORA_WS_MAX_SOCKETS_PER_USER="2",
        ALORA_LOG_LEVEL="warning",
    )
    settings = load_settings(env, dotenv=None)
    alora = await bootstrap.build(settings)
    try:
        users = {
            username: await alora.bus.handle(
                CreateAdmin(
                    full_name=username.title(),
                    username=username,
                    email=f"{username}@example.com",
                    password=PASSWORD,
                )
            )
            for username in ("ada", "bob", "cid", "dee")
        }
        admin = Actor(user_id=users["ada"].id, role=Role.ADMIN, email_verified=True)
        for customer in ("cid", "dee"):  # whom others see (an administrator nobody does)
            await alora.bus.handle(
                AdminUpdateUser(
                    actor=admin, user_id=users[customer].id, changes={"role": "customer"}
                )
            )
        for one, other in (("ada", "bob"), ("cid", "dee")):  # presence shows to contacts
            await make_contacts(alora, str(users[one].id), str(users[other].id))
    finally:
        await alora.aclose()

    log = tmp_path / "processes.log"
    ports = [free_port(), free_port()]
    processes = [start_alora(["serve", "--port", str(port)], env, log) for port in ports]
    processes.append(start_alora(["worker"], env, log))
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url in urls:
            await wait_ready(url)
        yield urls[0], urls[1]
    finally:
        for process in processes:
            stop(process)


async def test_a_socket_on_one_process_gets_what_a_request_to_the_other_causes(
    deployment: tuple[str, str],
) -> None:
    first, second = deployment
    ada = await login(first, "ada", "Laptop/1.0")
    socket_url = first.replace("http", "ws") + "/api/v1/ws?token=" + ada["accessToken"]
    async with websockets.connect(socket_url) as socket:
        await next_event(socket, "ready")
        # A sign-in from a device Ada has not used, through the other process.
        await login(second, "ada", "Phone/2.0")
        created = await next_event(socket, "notification.created")
    assert created["title"] == "New sign-in"
    assert created["type"] == "warning"
    assert "Phone/2.0" in created["body"]


async def test_presence_is_shared_between_processes(deployment: tuple[str, str]) -> None:
    first, second = deployment
    ada = await login(first, "ada", "Laptop/1.0")
    bob = await login(second, "bob", "Laptop/1.0")
    bob_id = bob["user"]["id"]
    ada_url = first.replace("http", "ws") + "/api/v1/ws?token=" + ada["accessToken"]
    bob_url = second.replace("http", "ws") + "/api/v1/ws?token=" + bob["accessToken"]
    async with websockets.connect(ada_url) as ada_socket:
        await next_event(ada_socket, "ready")
        await ada_socket.send(
            json.dumps({"event": "subscribe", "data": {"topics": [f"presence:{bob_id}"]}})
        )
        await next_event(ada_socket, "subscribed")
        async with websockets.connect(bob_url) as bob_socket:
            await next_event(bob_socket, "ready")
            online = await next_event(ada_socket, "presence.changed")
            assert (online["userId"], online["online"]) == (bob_id, True)
            await ada_socket.send(
                json.dumps({"event": "presence.query", "data": {"userIds": [bob_id]}})
            )
            state = await next_event(ada_socket, "presence.state")
            assert state["users"][bob_id]["online"] is True
        offline = await next_event(ada_socket, "presence.changed")
        assert (offline["userId"], offline["online"]) == (bob_id, False)
        assert offline["lastSeen"]


async def me_status(base_url: str, access_token: str) -> int:
    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await client.get(
            "/api/v1/auth/me", headers={"Authorization": f"Bearer {access_token}"}
        )
    return response.status_code


async def closed_with(socket: Any, within: float = 20) -> int | None:
    """The close code of ``socket`` once the server closes it (other messages are skipped)."""
    async with asyncio.timeout(within):
        try:
            while True:
                await socket.recv()
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None


async def test_a_logout_on_one_process_ends_access_on_the_other_at_once(
    deployment: tuple[str, str],
) -> None:
    first, second = deployment
    ada = await login(first, "ada", "Laptop/1.0")
    token = ada["accessToken"]
    socket_url = second.replace("http", "ws") + "/api/v1/ws?token=" + token
    async with websockets.connect(socket_url) as socket:
        await next_event(socket, "ready")
        for _ in range(3):  # the second process now keeps Ada's session in its cache
            assert await me_status(second, token) == 200
        async with httpx.AsyncClient(base_url=first) as client:
            response = await client.post(
                "/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"}
            )
        assert response.status_code == 204, response.text
        assert await me_status(second, token) == 401
        assert await closed_with(socket) == 4401


async def test_a_password_change_on_one_process_ends_other_sessions_on_the_other(
    deployment: tuple[str, str],
) -> None:
    first, second = deployment
    laptop = await login(first, "bob", "Laptop/1.0")
    phone = await login(second, "bob", "Phone/2.0")
    socket_url = second.replace("http", "ws") + "/api/v1/ws?token=" + phone["accessToken"]
    async with websockets.connect(socket_url) as socket:
        await next_event(socket, "ready")
        assert await me_status(second, phone["accessToken"]) == 200
        async with httpx.AsyncClient(base_url=first) as client:
            response = await client.post(
                "/api/v1/auth/change-password",
                json={"currentPassword": PASSWORD, "newPassword": "another horse battery staple"},
                headers={"Authorization": f"Bearer {laptop['accessToken']}"},
            )
        assert response.status_code == 204, response.text
        assert await me_status(second, phone["accessToken"]) == 401
        assert await closed_with(socket) == 4401


async def test_a_users_sockets_beyond_the_cap_close_oldest_first_on_either_process(
    deployment: tuple[str, str],
) -> None:
    first, second = deployment
    token = (await login(first, "ada", "Laptop/1.0"))["accessToken"]
    on_first = first.replace("http", "ws") + "/api/v1/ws?token=" + token
    on_second = second.replace("http", "ws") + "/api/v1/ws?token=" + token
    async with websockets.connect(on_first) as oldest:
        await next_event(oldest, "ready")
        async with websockets.connect(on_second) as middle:
            await next_event(middle, "ready")
            async with websockets.connect(on_second) as newest:
                await next_event(newest, "ready")
                assert await closed_with(oldest) == 4409
                for socket in (middle, newest):
                    await socket.send(json.dumps({"event": "ping"}))
                    await next_event(socket, "pong")


async def test_a_user_hiding_on_one_process_stops_their_presence_on_the_other(
    deployment: tuple[str, str],
) -> None:
    first, second = deployment
    cid = await login(second, "cid", "Laptop/1.0")
    dee = await login(first, "dee", "Laptop/1.0")
    dee_id = dee["user"]["id"]
    cid_url = second.replace("http", "ws") + "/api/v1/ws?token=" + cid["accessToken"]
    async with websockets.connect(cid_url) as cid_socket:
        await next_event(cid_socket, "ready")
        await cid_socket.send(
            json.dumps({"event": "subscribe", "data": {"topics": [f"presence:{dee_id}"]}})
        )
        await next_event(cid_socket, "subscribed")
        async with httpx.AsyncClient(base_url=first) as client:
            response = await client.put(
                "/api/v1/users/me/settings",
                json={"profileVisibility": "private"},
                headers={"Authorization": f"Bearer {dee['accessToken']}"},
            )
        assert response.status_code == 200, response.text
        hidden = await next_event(cid_socket, "presence.changed")
        assert hidden == {"userId": dee_id, "online": False, "lastSeen": None}
        dropped = await next_event(cid_socket, "unsubscribed")
        assert dropped == {"topics": [f"presence:{dee_id}"], "reason": "topic-forbidden"}
