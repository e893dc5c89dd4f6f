"""The shell walkthroughs in the docs run as pasted, against a real server.

One server for the module, set up as ``nox -s demo`` sets it up: ``alora db upgrade``,
``alora seed demo`` and ``alora serve``, with ``ALORA_VAR_DIR`` in a temporary folder and the
working directory its parent, so the blocks' ``var/mail`` is the server's mailbox. Each block
runs with ``bash -euo pipefail``, changed only in its port (the blocks say
``127.0.0.1:8000``; the test listens on a free one). Lines meant for a second terminal are
comments in the blocks, so they do not run. ``nox -s alora -- ...`` in a block runs this
project's noxfile with nox's ``--no-venv --no-install`` (this interpreter's ``alora``, configured
as the server is), so the session the docs name is the one that runs.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from attrs import frozen

from adapters.mail import MailboxMailer
from alora_core.shared.clock import FixedClock
from alora_core.shared.mail import Branding, compose
from support.processes import alora_environment, free_port, wait_ready

ROOT = Path(__file__).parents[2]

pytestmark = pytest.mark.skipif(
    shutil.which("curl") is None or shutil.which("bash") is None,
    reason="the walkthroughs need curl and bash",
)


@frozen
class Server:
    port: int
    home: Path
    """The folder the server runs in and the blocks run from; ``var/`` is in it."""
    log: Path


def shell_blocks(page: str, heading: str) -> list[str]:
    """The ``sh`` blocks of the section ``## heading`` of ``page``."""
    section = (ROOT / page).read_text().split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```sh\n(.*?)^```", section, re.M | re.S)
    assert blocks, f"no sh block under {heading!r} in {page}"
    return blocks


def shell_block(page: str, heading: str) -> str:
    """The first ``sh`` block of the section ``## heading`` of ``page``."""
    return shell_blocks(page, heading)[0]


def alora(*command: str, env: dict[str, str], cwd: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli.main", *command],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("walkthrough")
    env = alora_environment(ALORA_VAR_DIR=str(home / "var"))
    alora("db", "upgrade", env=env, cwd=home)
    alora("seed", "demo", env=env, cwd=home)
    port = free_port()
    log = home / "server.log"
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli.main", "serve", "--port", str(port)],
            env=env,
            cwd=home,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        asyncio.run(wait_ready(f"http://127.0.0.1:{port}"))
        yield Server(port=port, home=home, log=log)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(40)


def run_block(block: str, server: Server, **variables: str) -> list[str]:
    """Run ``block`` as pasted into a shell in ``server.home`` (with ``variables`` set); its
    output lines."""
    script = block.replace("127.0.0.1:8000", f"127.0.0.1:{server.port}")
    tools = _tools(server.home / "bin")
    # As on a fresh clone: no `alora` on PATH (nox runs it), and `python3` this interpreter.
    path = [p for p in os.environ["PATH"].split(os.pathsep) if not (Path(p) / "alora").exists()]
    env = alora_environment(
        PATH=os.pathsep.join([str(tools), *path]),
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        # nox runs its sessions in the project folder: the server's var/ is given, not relative.
        ALORA_VAR_DIR=str(server.home / "var"),
        **variables,
    )
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=server.home,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, (
        f"exit status {done.returncode}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
        f"\n--- server log\n{server.log.read_text()[-4000:]}"
    )
    return done.stdout.splitlines()


def _tools(folder: Path) -> Path:
    """A folder for PATH with ``python3`` (this interpreter) and a ``nox`` that runs this
    project's noxfile in this environment."""
    nox = Path(sys.executable).with_name("nox")
    assert nox.exists(), "nox is needed (pip install -e '.[test]')"
    folder.mkdir(exist_ok=True)
    if not (folder / "python3").exists():
        (folder / "python3").symlink_to(sys.executable)
    shim = folder / "nox"
    shim.write_text(
        # Inside the session, this environment's bin folder is first, as the session's would be.
        f'#!/bin/sh\nPATH="{nox.parent}{os.pathsep}$PATH" exec "{nox}" --no-venv --no-install '
        f'-f "{ROOT / "noxfile.py"}" "$@"\n'
    )
    shim.chmod(0o755)
    return folder


def documents(lines: list[str]) -> list[dict[str, Any]]:
    """The JSON objects the block printed, one per line."""
    return [json.loads(line) for line in lines if line.startswith("{")]


def test_the_booking_walkthrough_runs_as_pasted(demo_server: Server) -> None:
    lines = run_block(shell_block("README.md", "Book a professional with curl"), demo_server)

    printed = documents(lines)
    problems = [d for d in printed if "status" in d and isinstance(d["status"], int)]
    assert {(p["status"], p.get("reason")) for p in problems} == {
        (409, "taken"),  # the same time booked again
        (409, "not_started"),  # completing a booking before its start
    }
    statuses = [d["status"] for d in printed if d.get("history")]
    assert statuses == ["confirmed", "completed"]  # Dan confirms; Lou completes the one under way
    review = next(d for d in printed if "comment" in d)
    assert (review["rating"], review["comment"]) == (5, "Door open in ten minutes.")
    lou = next(d for d in printed if d.get("username") == "lou")
    assert lou["reviewCount"] >= 1
    assert lou["averageRating"] is not None
    [chat] = [d for d in printed if d.get("kind") == "booking"]
    assert len(chat["members"]) == 2
    assert chat["booking"]["status"] in {"pending", "confirmed"}  # the jobs run in the background
    [said] = [d for d in printed if d.get("conversationId") == chat["id"]]
    assert said["body"] == "The tap is under the kitchen sink."


def test_the_auth_flow_runs_as_pasted(demo_server: Server) -> None:
    # Someone else's code email, the newest in the mailbox: the block reads Ada's.
    someone = MailboxMailer(
        demo_server.home / "var" / "mail",
        "alora@example.com",
        clock=FixedClock(datetime(2100, 1, 1, tzinfo=UTC)),
    )
    asyncio.run(
        someone.send(
            compose(
                "someone@example.com",
                Branding(),
                subject="Verify your email address for Alora",
                greeting="Hello Someone,",
                paragraphs=["Your Alora code is 000000. Enter it to verify your email address."],
                highlight="000000",
            )
        )
    )
    lines = run_block(shell_block("docs/api/identity.md", "The auth flow with curl"), demo_server)

    printed = documents(lines)
    registered, verified = printed[0], printed[1]
    assert registered["username"] == "lovelace"
    assert not registered["emailVerified"]
    assert verified["emailVerified"]
    logins = [d for d in printed if "accessToken" in d]
    assert len(logins) == 2  # by username and by phone number
    reuse = printed[-1]
    assert reuse["status"] == 401  # the rotated refresh token presented again
    assert lines[-3:] == [
        "401",  # the new access token died with its session
        "204",  # logout
        "401",  # the logged-out access token
    ]


def test_the_administrator_is_created_as_documented(demo_server: Server) -> None:
    [block] = shell_blocks("docs/api/identity.md", "The auth flow with curl")[1:]
    # The password a terminal would ask for, from the variable the command reads.
    lines = run_block(block, demo_server, ALORA_ADMIN_PASSWORD="a root password 2026")
    assert lines[-1].startswith("Administrator root <root@example.com> created"), lines


def test_the_websocket_client_for_the_second_terminal_is_installed() -> None:
    """Step 3 of the booking walkthrough listens with ``python -m websockets``."""
    block = shell_block("README.md", "Book a professional with curl")
    assert "python -m websockets" in block
    done = subprocess.run(
        [sys.executable, "-m", "websockets", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_the_messaging_walkthrough_runs_as_pasted(demo_server: Server) -> None:
    """The curl steps as pasted, with Ben's and Ada's sockets of the comments open alongside."""
    asyncio.run(_talk(demo_server))


async def _talk(server: Server) -> None:
    import httpx
    import websockets

    base = f"http://127.0.0.1:{server.port}/api/v1"
    async with httpx.AsyncClient(base_url=base) as http:

        async def token(username: str) -> str:
            credentials = {"identifier": username, "password": "alora demo password"}
            answer = await http.post("/auth/login", json=credentials)
            return str(answer.json()["accessToken"])

        ws = f"ws://127.0.0.1:{server.port}/api/v1/ws?token="
        ben_token, ada_token = await token("ben"), await token("ada")
        async with (
            websockets.connect(ws + ben_token) as ben,
            websockets.connect(ws + ada_token) as ada,
        ):
            block = shell_block("docs/api/messaging.md", "Talk with curl and a WebSocket")
            lines = await asyncio.to_thread(run_block, block, server)

            printed = documents(lines)
            assert printed[0]["status"] == "accepted"
            connections = printed[1]["items"]
            assert [c["user"]["username"] for c in connections] == ["ben"]
            assert connections[0]["presence"]["online"] is True  # his socket is open
            retried, edited = printed[2], printed[3]  # the first send is read into MESSAGE
            assert (retried["seq"], retried["body"]) == (1, "Are we still on for Thursday?")
            assert (edited["id"], edited["body"]) == (
                retried["id"],
                "Are we still on for Thursday at 7?",
            )
            assert "204" in lines
            assert printed[-1]["events"][0]["event"] == "message.created"
            assert printed[-2] == {"total": 1, "conversations": 1}

            pushed = await _events(ben, until=lambda seen: "message.deleted" in seen)
            assert {"message.created", "message.edited", "message.deleted"} <= pushed.keys()

            [conversation] = [line.split()[1] for line in lines if line.startswith("conversation ")]
            [ada_topic] = [line.split()[-1] for line in lines if line.startswith("Ada is ")]
            typing = {"conversationId": conversation}
            await ada.send(json.dumps({"event": "typing.start", "data": typing}))
            pushed = await _events(ben, until=lambda seen: "typing" in seen)
            assert pushed["typing"]["typing"] is True
            await ben.send(json.dumps({"event": "subscribe", "data": {"topics": [ada_topic]}}))
            pushed = await _events(ben, until=lambda seen: "subscribed" in seen or "error" in seen)
            assert "subscribed" in pushed, pushed


async def _events(socket: Any, until: Any) -> dict[str, Any]:
    """The data of each event the socket receives, by name (the latest), until ``until``
    accepts what was seen."""
    seen: dict[str, Any] = {}
    async with asyncio.timeout(30):
        while not until(seen):
            message = json.loads(await socket.recv())
            seen[message["event"]] = message.get("data")
    return seen
