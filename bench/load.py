"""Load generators: ``wrk`` when it is installed, else raw keep-alive HTTP/1.1 from asyncio.

Both hold ``connections`` keep-alive connections to ``127.0.0.1:port`` busy for ``duration``
seconds, each sending its next request as soon as the previous answer arrived, and report the
requests per second that completed with a 2xx status.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, Protocol

from attrs import define, frozen

from bench.client import HOST, encode_request, read_response

GeneratorChoice = Literal["auto", "wrk", "python"]

_GRACE_SECONDS = 30
"""How long past its duration a run may wait for answers before it is given up."""


@frozen
class LoadResult:
    requests: int
    """Responses with a 2xx status."""
    failures: int
    """Other statuses, socket errors and timeouts."""
    seconds: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0


class LoadGenerator(Protocol):
    @property
    def name(self) -> str: ...

    async def run(
        self, port: int, path: str, headers: Mapping[str, str], duration: int, connections: int
    ) -> LoadResult: ...


def choose_generator(choice: GeneratorChoice = "auto") -> LoadGenerator:
    wrk = shutil.which("wrk")
    if choice == "wrk" and wrk is None:
        raise RuntimeError("--generator wrk: wrk is not on PATH (apt-get install wrk)")
    if choice != "python" and wrk is not None:
        return WrkGenerator(wrk, version=_wrk_version(wrk))
    return PythonGenerator()


# --- wrk ---------------------------------------------------------------------------------------

_REQUESTS_PER_SEC = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_TOTAL = re.compile(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m)\b", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_SECONDS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


@define
class WrkGenerator:
    """``wrk -t T -c C -d Ds -s headers.lua URL``; parses its ``Requests/sec``.

    Headers (the bearer token) go in a Lua script rather than ``-H``, so they stay out of the
    process list.
    """

    executable: str
    threads: int = 1 if (os.cpu_count() or 1) <= 2 else 2
    version: str = ""

    @property
    def name(self) -> str:
        return f"wrk {self.version}".strip() + f" ({self.threads} thread(s))"

    async def run(
        self, port: int, path: str, headers: Mapping[str, str], duration: int, connections: int
    ) -> LoadResult:
        args = [
            f"--threads={min(self.threads, connections)}",
            f"--connections={connections}",
            f"--duration={duration}s",
            "--timeout=10s",
        ]
        with tempfile.TemporaryDirectory(prefix="alora-bench-wrk-") as tmp:
            if headers:
                args += ["--script", str(_write_headers_script(Path(tmp), headers))]
            out = await _run(
                [self.executable, *args, f"http://{HOST}:{port}{path}"],
                limit_seconds=duration + _GRACE_SECONDS,
            )
        return parse_wrk_output(out)


def _lua_string(value: str) -> str:
    if not value.isascii() or not value.isprintable():
        raise ValueError(f"header value not printable ASCII: {value!r}")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _write_headers_script(directory: Path, headers: Mapping[str, str]) -> Path:
    """A wrk script that adds ``headers`` to every request."""
    script = directory / "headers.lua"
    lines = [f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()]
    script.write_text("\n".join(lines) + "\n", encoding="ascii")
    return script


def parse_wrk_output(out: str) -> LoadResult:
    rate, total = _REQUESTS_PER_SEC.search(out), _TOTAL.search(out)
    if rate is None or total is None:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    requests = int(total.group(1))
    seconds = float(total.group(2)) * _SECONDS[total.group(3)]
    non_2xx = int(found.group(1)) if (found := _NON_2XX.search(out)) else 0
    errors = sum(int(n) for n in found.groups()) if (found := _SOCKET_ERRORS.search(out)) else 0
    # wrk counts non-2xx answers among its requests; keep only the successful ones.
    return LoadResult(max(requests - non_2xx, 0), non_2xx + errors, seconds)


def _wrk_version(executable: str) -> str:
    """``4.1.0`` from ``wrk 4.1.0 [epoll] ...`` (or ``debian/4.1.0-3``); empty if unknown."""
    try:
        done = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    found = re.search(r"wrk\s+(?:\S+/)?(\d[\w.]*)", done.stdout + done.stderr)
    return found.group(1) if found else ""


async def _run(command: list[str], *, limit_seconds: float, check: bool = True) -> str:
    process = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        out, _ = await asyncio.wait_for(process.communicate(), limit_seconds)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    text = out.decode("utf-8", "replace")
    if check and process.returncode != 0:
        raise RuntimeError(f"{command[0]} exited with status {process.returncode}:\n{text}")
    return text


# --- Python ------------------------------------------------------------------------------------


@define
class _Tally:
    ok: int = 0
    failed: int = 0


class PythonGenerator:
    """Keep-alive HTTP/1.1 over asyncio streams (uvloop when the bench runs on it)."""

    @property
    def name(self) -> str:
        try:
            loop = type(asyncio.get_running_loop()).__module__.split(".")[0]
        except RuntimeError:  # no loop yet
            return "python-asyncio (1 process)"
        return f"python-asyncio ({loop} loop, 1 process)"

    async def run(
        self, port: int, path: str, headers: Mapping[str, str], duration: int, connections: int
    ) -> LoadResult:
        request = encode_request("GET", path, port, headers=headers)
        tally = _Tally()
        streams = await asyncio.gather(
            *(asyncio.open_connection(HOST, port) for _ in range(connections))
        )
        start = time.perf_counter()
        deadline = start + duration
        drivers = (_drive(port, request, r, w, deadline, tally) for r, w in streams)
        await asyncio.wait_for(asyncio.gather(*drivers), duration + _GRACE_SECONDS)
        return LoadResult(tally.ok, tally.failed, float(duration))


async def _drive(
    port: int,
    request: bytes,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    deadline: float,
    tally: _Tally,
) -> None:
    """Request after request on one connection until ``deadline``; late answers do not count."""
    clock = time.perf_counter
    try:
        while clock() < deadline:
            try:
                writer.write(request)
                response = await read_response(reader)
            except (OSError, asyncio.IncompleteReadError):
                writer.close()
                if clock() >= deadline:
                    return
                tally.failed += 1
                await asyncio.sleep(0.01)
                reader, writer = await asyncio.open_connection(HOST, port)
                continue
            if clock() > deadline:
                return
            if 200 <= response.status < 300:
                tally.ok += 1
            else:
                tally.failed += 1
            if not response.keep_alive:
                writer.close()
                reader, writer = await asyncio.open_connection(HOST, port)
    finally:
        writer.close()
