"""The comparators: a minimal Litestar app and an Express 5 app serving Alora's bytes from memory.

``running_comparators(bodies)`` writes the bodies (``me.json``, ``services.json``,
``professionals.json``: what Alora answered) to a temporary directory and starts, each on a free
port of its own and in its own process group:

- the minimal Litestar app of ``bench.bare`` under uvicorn, one worker, with the options of the
  bench's Alora (``bench.server.UVICORN_OPTIONS``);
- ``bench/express/server.js`` (Express 5, one Node process), when Node is installed: the
  dependencies are installed once with ``npm ci`` (``npm install`` if that fails) from the
  committed ``package-lock.json`` into a cache directory, ``var/bench/express-<hash>/`` under
  the current directory by default, reused while ``package.json``, the lock and
  ``server.js`` are unchanged.

Without Node or npm, or when the install fails, the Express rows say why they were not measured
and the rest of the run goes on.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

from attrs import frozen

from bench.bare import BODIES_ENV
from bench.client import HOST
from bench.server import REPO_ROOT, UVICORN_OPTIONS, Server, serve

EXPRESS_SOURCE = Path(__file__).resolve().parent / "express"
EXPRESS_FILES = ("package.json", "package-lock.json", "server.js")
DEFAULT_NODE_CACHE = Path("var/bench")
INSTALL_TIMEOUT_SECONDS = 300

Progress = Callable[[str], None]


@frozen
class Express:
    """An installed Express comparator, or why there is none."""

    directory: Path | None
    node: str | None
    version: str | None
    """Express's version as installed (from its ``package.json``)."""
    node_version: str | None
    missing: str | None
    """``not measured: ...`` when it cannot run."""


async def prepare_express(cache: Path, progress: Progress) -> Express:
    """Install the Express app's dependencies into ``cache`` (once); never raises."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None:
        return Express(None, None, None, None, "not measured: node not found")
    node_version = (await _output([node, "--version"])).strip() or None
    if npm is None:
        return Express(None, node, None, node_version, "not measured: npm not found")
    digest = hashlib.sha256()
    for name in EXPRESS_FILES:
        digest.update((EXPRESS_SOURCE / name).read_bytes())
    directory = (cache / f"express-{digest.hexdigest()[:12]}").resolve()
    installed = directory / "node_modules" / "express" / "package.json"
    if not installed.exists():
        progress(f"installing the Express comparator into {directory} (npm ci)")
        directory.mkdir(parents=True, exist_ok=True)
        for name in EXPRESS_FILES:
            shutil.copyfile(EXPRESS_SOURCE / name, directory / name)
        failure = ""
        for command in (["ci"], ["install"]):
            status, out = await _run([npm, *command, "--no-audit", "--no-fund"], directory)
            if status == 0 and installed.exists():
                break
            failure = f"npm {command[0]} failed: " + (out.strip().splitlines() or ["?"])[-1]
        else:
            return Express(None, node, None, node_version, f"not measured: {failure}")
    version = json.loads(installed.read_text())["version"]
    return Express(directory, node, version, node_version, None)


async def _run(command: list[str], cwd: Path) -> tuple[int, str]:
    try:
        process = await asyncio.create_subprocess_exec(
            *command,
            cwd=cwd,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
    except OSError as exc:
        return 127, str(exc)
    try:
        out, _ = await asyncio.wait_for(process.communicate(), INSTALL_TIMEOUT_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()
        return 124, f"timed out after {INSTALL_TIMEOUT_SECONDS} s"
    return process.returncode or 0, out.decode("utf-8", "replace")


async def _output(command: list[str]) -> str:
    status, out = await _run(command, Path.cwd())
    return out if status == 0 else ""


@frozen
class Comparators:
    litestar: Server
    express: Server | None
    express_missing: str | None


@asynccontextmanager
async def running_comparators(
    bodies: Mapping[str, bytes], express: Express, *, log_dir: Path
) -> AsyncIterator[Comparators]:
    """The minimal Litestar app and (when installed) Express, serving ``bodies`` by file name."""
    with tempfile.TemporaryDirectory(prefix="alora-bench-bodies-") as tmp:
        directory = Path(tmp)
        for name, body in bodies.items():
            (directory / name).write_bytes(body)
        async with AsyncExitStack() as stack:
            litestar = await stack.enter_async_context(
                serve(
                    _litestar_command,
                    cwd=directory,
                    env=lambda port: _python_env(directory),
                    log=log_dir / "minimal-litestar.log",
                    name="minimal Litestar",
                )
            )
            express_server = None
            if express.directory is not None and express.node is not None:
                script = str(express.directory / "server.js")
                node = express.node
                express_server = await stack.enter_async_context(
                    serve(
                        lambda port: [node, script, str(port), str(directory)],
                        cwd=express.directory,
                        env=lambda port: _node_env(),
                        log=log_dir / "express.log",
                        name="Express",
                    )
                )
            yield Comparators(litestar, express_server, express.missing)


def _litestar_command(port: int) -> list[str]:
    return [
        sys.executable, "-m", "uvicorn", "bench.bare:create_minimal_app", "--factory",
        "--host", HOST, "--port", str(port), *UVICORN_OPTIONS,
    ]  # fmt: skip


def _python_env(bodies: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALORA_")}
    python_path = [str(REPO_ROOT), *filter(None, [env.get("PYTHONPATH")])]
    return {
        **env,
        BODIES_ENV: str(bodies),
        "PYTHONPATH": os.pathsep.join(python_path),
        "PYTHONUNBUFFERED": "1",
    }


def _node_env() -> dict[str, str]:
    import os

    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("ALORA_")},
        "NODE_ENV": "production",
    }
