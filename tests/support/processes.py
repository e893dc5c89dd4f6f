"""Helpers for tests that run Alora as real processes (``alora serve``, ``alora worker``)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_alora(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """``alora <command>`` in a process group of its own, its output appended to ``log``."""
    return subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli.main", *command],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes], timeout: float = 40) -> None:
    """SIGTERM (a graceful stop), then wait for the process."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout)


def alora_environment(**variables: str) -> dict[str, str]:
    """This process's environment without its ``ALORA_*`` variables, plus ``variables``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ALORA_")}
    return clean | variables


async def wait_ready(base_url: str, within: float = 60) -> None:
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(base_url=base_url) as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get("/health/ready")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise TimeoutError(f"{base_url} did not become ready")
