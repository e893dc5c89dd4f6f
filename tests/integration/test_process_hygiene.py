"""A server started through nox stops with nox: SIGTERM to ``nox -s serve`` frees the port.

nox runs here without a virtualenv of its own (``--no-venv --no-install``: this interpreter's
``alora``), on a migrated SQLite database in a temporary folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from entrypoints.migrations import upgrade
from support.processes import alora_environment, free_port, wait_ready

ROOT = Path(__file__).parents[2]
NOX = Path(sys.executable).with_name("nox")

pytestmark = pytest.mark.skipif(not NOX.exists(), reason="nox is not installed here")


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("session", ["serve", "demo"])
def test_sigterm_to_nox_stops_the_server_it_started(session: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'alora.db'}"
    asyncio.run(upgrade(url))
    port = free_port()
    env = alora_environment(
        ALORA_VAR_DIR=str(tmp_path / "var"),
        ALORA_DATABASE_URL=url,
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    log = tmp_path / "nox.log"
    with log.open("ab") as output:
        nox = subprocess.Popen(
            [
                *(str(NOX), "--no-venv", "--no-install", "-f", str(ROOT / "noxfile.py")),
                *("-s", session, "--", "--port", str(port)),
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a group of its own, to clean up whatever it left
        )
    try:
        asyncio.run(wait_ready(f"http://127.0.0.1:{port}", within=180))
        nox.send_signal(signal.SIGTERM)  # to nox alone, as a supervisor would send it
        deadline = time.monotonic() + 30
        while _listening(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _listening(port), f"the server outlived nox; see {log}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(nox.pid, signal.SIGKILL)
        nox.wait(10)
