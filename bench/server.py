"""A throwaway Alora: a temporary ``ALORA_VAR_DIR``, a fresh database and the real server.

The server is uvicorn (one worker, uvloop and httptools, as ``alora serve`` runs it) in its own
process group on a free ``127.0.0.1`` port, serving ``bench.app:create_bench_app`` (or, for the
fan-out benchmark, ``alora serve`` itself, and ``alora worker``). Each process is stopped (the
whole group) when its context exits, also on errors and Ctrl-C; an ``atexit`` hook kills it if
the interpreter exits some other way first.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import secrets
import signal
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Literal

from attrs import define, field, frozen

from bench.app import BARE_JSON_ENV
from bench.client import HOST, HttpConnection

Database = Literal["sqlite", "postgres"]

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
"""Server (and maintenance database) on which the PostgreSQL run creates its own database."""

REPO_ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 10

# Settings of the bench server. Auth rate limits are raised so that they never answer 429, and
# the caps on a customer's pending bookings so that a bench customer's bookings are never 409.
BENCH_SETTINGS: dict[str, str] = {
    "ALORA_ENV": "development",
    "ALORA_BOOKING_MAX_PENDING_PER_CUSTOMER": "1000",
    "ALORA_BOOKING_MAX_PENDING_PER_PROFESSIONAL": "1000",
    "ALORA_AUTH_RATE_PER_MINUTE": "100000",
    "ALORA_LOGIN_MAX_FAILURES": "1000",
    "ALORA_ACCESS_TOKEN_MINUTES": "120",
    "ALORA_LOG_LEVEL": "warning",
    "ALORA_COOKIE_SECURE": "false",
}


class BenchSetupError(RuntimeError):
    """The bench environment could not be prepared (printed without a traceback)."""


@frozen
class Environment:
    root: Path
    var_dir: Path
    mail_dir: Path
    bare_json: Path
    """Where the bench writes the body ``GET /bench/bare`` returns."""
    database: Database
    database_url: str
    database_label: str
    """The database without its password, for the report."""
    secret_key: str = field(factory=lambda: secrets.token_urlsafe(48))
    extra_env: Mapping[str, str] = field(factory=dict)
    """More ``ALORA_*`` settings of this environment (e.g. ``ALORA_REDIS_URL``)."""

    def server_env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The process environment of ``alora`` commands and of the server.

        Inherited ``ALORA_*`` variables are dropped so a developer's configuration (a Redis URL,
        a database) cannot leak into the throwaway environment.
        """
        inherited = os.environ if base is None else base
        env = {k: v for k, v in inherited.items() if not k.startswith("ALORA_")}
        python_path = [str(REPO_ROOT), *filter(None, [env.get("PYTHONPATH")])]
        return {
            **env,
            **BENCH_SETTINGS,
            "ALORA_VAR_DIR": str(self.var_dir),
            "ALORA_MAIL_DIR": str(self.mail_dir),
            "ALORA_DATABASE_URL": self.database_url,
            "ALORA_SECRET_KEY": self.secret_key,
            BARE_JSON_ENV: str(self.bare_json),
            "PYTHONPATH": os.pathsep.join(python_path),
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }


@asynccontextmanager
async def throwaway_environment(
    database: Database, postgres_url: str, extra_env: Mapping[str, str] | None = None
) -> AsyncIterator[Environment]:
    """A temporary directory and, with ``postgres``, a database created for this run."""
    with tempfile.TemporaryDirectory(prefix="alora-bench-") as tmp:
        root = Path(tmp)
        var_dir = root / "var"
        var_dir.mkdir()

        def environment(url: str, label: str) -> Environment:
            return Environment(
                root=root,
                var_dir=var_dir,
                mail_dir=var_dir / "mail",
                bare_json=root / "bare.json",
                database=database,
                database_url=url,
                database_label=label,
                extra_env=dict(extra_env or {}),
            )

        if database == "sqlite":
            yield environment(f"sqlite:///{var_dir / 'alora.db'}", "sqlite (temporary file)")
            return
        async with throwaway_postgres(postgres_url) as (url, label):
            yield environment(url, label)


@asynccontextmanager
async def throwaway_postgres(server_url: str) -> AsyncIterator[tuple[str, str]]:
    """Create ``alora_bench_<random>`` on the server of ``server_url``; drop it afterwards."""
    import asyncpg
    from sqlalchemy.engine import make_url

    server = make_url(server_url).set(drivername="postgresql")
    dsn = server.render_as_string(hide_password=False)
    name = f"alora_bench_{secrets.token_hex(6)}"
    try:
        connection = await asyncpg.connect(dsn, timeout=5)
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise BenchSetupError(
            f"cannot create a database on {server.render_as_string()}: {exc}. Set "
            "ALORA_BENCH_DATABASE_URL to a PostgreSQL server and role that may CREATE DATABASE."
        ) from None
    database = server.set(database=name)
    try:
        yield database.render_as_string(hide_password=False), f"postgresql ({database})"
    finally:
        connection = await asyncpg.connect(dsn, timeout=5)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()


async def migrate(environment: Environment) -> str:
    """``alora db upgrade`` in the environment; returns its last line."""
    command = [sys.executable, "-m", "entrypoints.cli.main", "db", "upgrade"]
    process = await asyncio.create_subprocess_exec(
        *command,
        cwd=environment.root,  # no developer .env is read
        env=environment.server_env(),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        out, _ = await asyncio.wait_for(process.communicate(), 300)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    text = out.decode("utf-8", "replace").strip()
    if process.returncode != 0:
        raise BenchSetupError(f"alora db upgrade failed (status {process.returncode}):\n{text}")
    return text.splitlines()[-1] if text else ""


def free_port() -> int:
    """A port nothing listens on now (the kernel's choice); see ``_serve`` for the race."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@frozen
class Server:
    port: int
    pid: int
    log: Path


ALORA_COMMAND = [sys.executable, "-m", "entrypoints.cli.main"]
"""``alora`` as a command line (the entry point script may not be on ``PATH``)."""

WORKER_READY_LINE = b"Alora worker running"
"""What ``alora worker`` prints once its Alora is built and it takes jobs."""

UVICORN_OPTIONS = [
    "--workers", "1", "--log-level", "warning", "--no-access-log", "--no-server-header",
    "--no-proxy-headers",
]  # fmt: skip
"""The options of every uvicorn the bench starts itself (bench app and minimal Litestar)."""

START_ATTEMPTS = 3
"""Ports tried in turn when a server could not listen on the free port it was given."""


# --- ports -------------------------------------------------------------------------------------


@define
class PortAudit:
    """Which TCP ports each process the bench started listened on, checked once it was up.

    Every server gets a port that was free when it started (``free_port``) and must listen on
    that one only; a worker must listen on none. Read from ``/proc`` (Linux); elsewhere the
    check is skipped and says so.
    """

    entries: list[dict[str, object]] = field(factory=list)

    def record(self, name: str, given: int | None, listening: set[int] | None) -> None:
        expected = set() if given is None else {given}
        self.entries.append(
            {
                "process": name,
                "givenPort": given,
                "listening": None if listening is None else sorted(listening),
                "unexpected": None if listening is None else sorted(listening - expected),
            }
        )

    def summary(self) -> dict[str, object]:
        checked = [e for e in self.entries if e["listening"] is not None]
        unexpected = [e for e in checked if e["unexpected"]]
        return {
            "processes": len(self.entries),
            "checked": len(checked),
            "onlyGivenPorts": not unexpected if checked else None,
            "unexpected": unexpected,
            "entries": self.entries,
        }


PORTS = PortAudit()
"""The audit of this run (``python -m bench`` is one run per interpreter)."""


def listening_ports(pgid: int) -> set[int] | None:
    """The TCP ports on which the processes of group ``pgid`` listen (None: cannot tell)."""
    proc = Path("/proc")
    if not (proc / "net" / "tcp").exists():
        return None
    inodes: set[str] = set()
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != pgid:
                continue
            for fd in (entry / "fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except (OSError, ProcessLookupError):
            continue
    ports: set[int] = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (proc / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


class _PortTaken(Exception):
    """The server could not have the port it was given; try another."""


_ADDRESS_IN_USE = (b"address already in use", b"EADDRINUSE", b"Errno 98", b"is already in use")


# --- processes ---------------------------------------------------------------------------------


@asynccontextmanager
async def running_server(
    environment: Environment, *, alora_serve: bool = False, name: str = "server"
) -> AsyncIterator[Server]:
    """Start an API process, wait for ``/health``, stop its process group after.

    By default uvicorn serving ``bench.app:create_bench_app``; with ``alora_serve``, the
    ``alora serve`` command itself (the real app only). Its output goes to ``<name>.log``.
    """

    def command(port: int) -> list[str]:
        if alora_serve:
            return [*ALORA_COMMAND, "serve", "--port", str(port), "--workers", "1"]
        return [
            sys.executable, "-m", "uvicorn", "bench.app:create_bench_app", "--factory",
            "--host", HOST, "--port", str(port), *UVICORN_OPTIONS,
        ]  # fmt: skip

    async with serve(
        command,
        cwd=environment.root,  # no developer .env is read
        env=lambda port: {**environment.server_env(), "ALORA_PORT": str(port)},
        log=environment.root / f"{name}.log",
        name=name,
    ) as server:
        yield server


@asynccontextmanager
async def serve(
    command: Callable[[int], list[str]],
    *,
    cwd: Path,
    env: Callable[[int], Mapping[str, str]],
    log: Path,
    name: str,
) -> AsyncIterator[Server]:
    """Start ``command(port)`` on a free port, wait for ``GET /health``, stop it after.

    A port is free when chosen but another process may take it before the server binds it: if
    the server then exits with "address in use", or if the process answering on the port is
    not this one (checked in ``/proc``), it is stopped and started again on another free port.
    The ports it listens on are recorded in ``PORTS``.
    """
    for attempt in range(1, START_ATTEMPTS + 1):
        port = free_port()
        async with _process_group(command(port), cwd=cwd, env=env(port), log=log) as process:
            try:
                await _wait_healthy(process, port, log)
            except _PortTaken as exc:
                if attempt == START_ATTEMPTS:
                    raise BenchSetupError(f"{name}: {exc} ({START_ATTEMPTS} ports tried)") from None
                continue
            PORTS.record(name, port, listening_ports(process.pid))
            yield Server(port=port, pid=process.pid, log=log)
            return


@asynccontextmanager
async def running_worker(
    environment: Environment, *, name: str = "worker"
) -> AsyncIterator[Server]:
    """``alora worker`` (needs ``ALORA_REDIS_URL``): waits until it says it takes jobs."""
    log = environment.root / f"{name}.log"
    command = [*ALORA_COMMAND, "worker"]
    async with _process_group(
        command, cwd=environment.root, env=environment.server_env(), log=log
    ) as process:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while WORKER_READY_LINE not in _read(log):
            if process.returncode is not None:
                raise BenchSetupError(
                    f"alora worker exited with status {process.returncode}:\n{_tail(log)}"
                )
            if time.monotonic() > deadline:
                raise BenchSetupError(
                    f"alora worker did not start within {STARTUP_TIMEOUT_SECONDS} s:\n{_tail(log)}"
                )
            await asyncio.sleep(0.1)
        PORTS.record(name, None, listening_ports(process.pid))
        yield Server(port=0, pid=process.pid, log=log)


@asynccontextmanager
async def _process_group(
    command: list[str], *, cwd: Path, env: Mapping[str, str], log: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    """``command`` in a process group of its own, stopped (the whole group) at the end."""
    with log.open("ab") as log_file:
        process = await asyncio.create_subprocess_exec(
            *command,
            cwd=cwd,
            env=dict(env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log_file,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # its own process group: we signal the group
        )
    kill_at_exit = _GroupKiller(process.pid)
    atexit.register(kill_at_exit)
    try:
        yield process
    finally:
        try:
            await _stop(process)
        finally:
            atexit.unregister(kill_at_exit)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


class _GroupKiller:
    def __init__(self, pgid: int) -> None:
        self.pgid = pgid

    def __call__(self, sig: int = signal.SIGKILL) -> None:
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pgid, sig)


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    group = _GroupKiller(process.pid)
    group(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), STOP_TIMEOUT_SECONDS)
    except TimeoutError:
        group(signal.SIGKILL)
        await process.wait()


async def _wait_healthy(process: asyncio.subprocess.Process, port: int, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.returncode is not None:
            if any(sign in _read(log)[-4000:] for sign in _ADDRESS_IN_USE):
                raise _PortTaken(f"port {port} was taken before the server could listen on it")
            raise BenchSetupError(
                f"the server exited with status {process.returncode}:\n{_tail(log)}"
            )
        try:
            async with HttpConnection(port) as http:
                response = await asyncio.wait_for(http.request("GET", "/health"), 5)
            if response.status == 200:
                owned = listening_ports(process.pid)
                if owned is not None and port not in owned:
                    if process.returncode is None and not owned:
                        await asyncio.sleep(0.1)  # still starting: another process answered
                        continue
                    raise _PortTaken(f"another process answers on port {port}")
                return
        except (OSError, asyncio.IncompleteReadError, TimeoutError):
            pass
        await asyncio.sleep(0.1)
    raise BenchSetupError(
        f"the server did not answer /health within {STARTUP_TIMEOUT_SECONDS} s:\n{_tail(log)}"
    )


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text("utf-8", "replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"
