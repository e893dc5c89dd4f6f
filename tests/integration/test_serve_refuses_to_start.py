"""``alora serve`` refuses to start, with one line on stderr saying why and no traceback, when it
could not work: the port is taken, the database is unreachable, missing or not migrated, or a
setting is bad. Misspelt ``ALORA_*`` names are named in a warning, with the closest known name.
Run as a user runs it: ``python -m entrypoints.cli.main`` in a process of its own.
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from entrypoints.migrations import upgrade
from support.processes import alora_environment, free_port, start_alora, stop, wait_ready


def _alora(
    *command: str, cwd: Path | None = None, **variables: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli.main", *command],
        env=alora_environment(**variables),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _refused(done: subprocess.CompletedProcess[str]) -> str:
    """The one line a refusal printed; asserts it refused before serving."""
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert "serving" not in done.stdout, done.stdout
    lines = [line for line in done.stderr.splitlines() if not line.startswith("warning: ")]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture
async def migrated_sqlite(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'var' / 'alora.db'}"
    await upgrade(url)
    return {"ALORA_VAR_DIR": str(tmp_path / "var"), "ALORA_DATABASE_URL": url}


async def test_a_port_in_use_is_refused(migrated_sqlite: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = await asyncio.to_thread(_alora, "serve", "--port", str(port), **migrated_sqlite)
    line = _refused(done)
    assert f"port {port}" in line and "already in use" in line


async def test_a_database_never_migrated_is_refused(tmp_path: Path) -> None:
    done = await asyncio.to_thread(
        _alora, "serve", "--port", str(free_port()), ALORA_VAR_DIR=str(tmp_path / "var")
    )
    line = _refused(done)
    assert "`alora db upgrade`" in line


async def test_an_unreachable_database_is_refused(tmp_path: Path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/alora"
    done = await asyncio.to_thread(
        _alora, "serve", "--port", str(free_port()),
        ALORA_VAR_DIR=str(tmp_path / "var"), ALORA_DATABASE_URL=url,
    )  # fmt: skip
    line = _refused(done)
    assert "cannot be reached" in line


@pytest.mark.postgres
async def test_a_missing_postgresql_database_says_how_to_create_it(
    postgres_url: str, tmp_path: Path
) -> None:
    name = f"alora_missing_{secrets.token_hex(4)}"
    server = make_url(postgres_url)
    url = server.set(database=name).render_as_string(hide_password=False)
    done = await asyncio.to_thread(
        _alora, "serve", "--port", str(free_port()),
        ALORA_VAR_DIR=str(tmp_path / "var"), ALORA_DATABASE_URL=url,
    )  # fmt: skip
    line = _refused(done)
    assert f'"{name}" does not exist' in line
    assert f"`createdb -h {server.host} -p {server.port} -U {server.username} {name}`" in line
    assert "`alora db upgrade`" in line


async def test_a_bad_port_setting_gets_the_same_clear_message(tmp_path: Path) -> None:
    done = await asyncio.to_thread(
        _alora, "serve", ALORA_VAR_DIR=str(tmp_path / "var"), ALORA_PORT="abc"
    )
    line = _refused(done)
    assert line == "error: ALORA_PORT='abc' is invalid: expected a whole number from 1 to 65535"


async def test_a_misspelt_variable_is_named_with_the_closest_known_name(
    migrated_sqlite: dict[str, str],
) -> None:
    done = await asyncio.to_thread(_alora, "jobs", "list", ALORA_PROT="9000", **migrated_sqlite)
    assert done.returncode == 0, done.stderr
    assert (
        "warning: ALORA_PROT is not an Alora setting and is ignored; did you mean ALORA_PORT?"
        in done.stderr.splitlines()
    )


async def test_a_misspelt_variable_in_the_dotenv_file_is_named_too(
    migrated_sqlite: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("ALORA_LOG_LEVLE=debug\n")
    done = await asyncio.to_thread(_alora, "jobs", "list", cwd=tmp_path, **migrated_sqlite)
    assert done.returncode == 0, done.stderr
    assert "warning: ALORA_LOG_LEVLE is not an Alora setting" in done.stderr
    assert "did you mean ALORA_LOG_LEVEL?" in done.stderr


@pytest.mark.redis
async def test_external_background_work_with_no_worker_ever_seen_is_a_warning(
    migrated_sqlite: dict[str, str], redis_url: str, tmp_path: Path
) -> None:
    import redis.asyncio as aioredis

    from entrypoints.worker.broker import WORKER_SEEN_KEY

    client = aioredis.Redis.from_url(redis_url)
    await client.delete(WORKER_SEEN_KEY)
    await client.aclose()
    port = free_port()
    log = tmp_path / "serve.log"
    env = alora_environment(**migrated_sqlite, ALORA_REDIS_URL=redis_url)
    server = start_alora(["serve", "--port", str(port)], env, log)
    try:
        await wait_ready(f"http://127.0.0.1:{port}")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            ready = await http.get("/health/ready")
    finally:
        stop(server)
    assert ready.status_code == 200
    assert ready.json()["checks"]["worker"] == "never-seen"
    assert "warning: no `alora worker` has ever started" in log.read_text()
