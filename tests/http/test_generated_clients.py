"""Clients generate from ``/schema/openapi.json`` without a warning, and work.

A Python client (openapi-python-client, from the test extras) and a TypeScript one
(openapi-typescript) are generated, and Redocly lints the document with its recommended rules
(``tests/clients/redocly.yaml`` says why the rules it turns off are off). The Node tools are
pinned by ``tests/clients/package-lock.json`` and installed with ``npm ci`` into
``tests/clients/node_modules`` when the lock file changed since the last install. Without npm
these tests skip, or fail when ALORA_REQUIRE_SERVICES=1 (CI).
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from contexts.booking.http_market import Market, open_market
from support.http import BASE_URL, PASSWORD

CLIENTS = Path(__file__).resolve().parents[1] / "clients"
LOCK = CLIENTS / "package-lock.json"
INSTALLED = CLIENTS / "node_modules" / ".alora-installed-lock"
"""The lock file's digest as of the last ``npm ci``: the install is current while they match."""
TOOL_TIMEOUT_SECONDS = 300


def _require(reason: str) -> None:
    if os.environ.get("ALORA_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (ALORA_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def node_tools() -> Path:
    """``tests/clients/node_modules/.bin``, installed from the lock file if it is not yet."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        _require("node and npm are needed to generate the TypeScript client and lint")
    digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    checkout = hashlib.sha256(bytes(CLIENTS)).hexdigest()[:16]
    lock_path = Path(tempfile.gettempdir()) / f"alora-npm-ci-{checkout}.lock"
    with lock_path.open("w") as lock:  # xdist workers install one at a time
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not INSTALLED.exists() or INSTALLED.read_text() != digest:
            subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--prefer-offline"],
                cwd=CLIENTS,
                check=True,
                timeout=TOOL_TIMEOUT_SECONDS,
            )
            INSTALLED.write_text(digest)
    return CLIENTS / "node_modules" / ".bin"


def _run(command: list[str | Path], cwd: Path, *, stdout_only: bool = False) -> str:
    """Run a generator or linter; its output (stdout then stderr, or only stdout). Fails on an
    exit code."""
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT_SECONDS,
        env={**os.environ, "NO_COLOR": "1", "REDOCLY_TELEMETRY": "off"},
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    return done.stdout if stdout_only else output


@pytest.fixture
async def market(tmp_path: Path) -> AsyncIterator[Market]:
    async for value in open_market(tmp_path):
        yield value


@pytest.fixture
async def document(market: Market, tmp_path: Path) -> Path:
    """The document the running app serves, as a file the tools read."""
    response = await market.client.get("/schema/openapi.json")
    assert response.status_code == 200
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(response.json(), indent=2))
    return path


def _warnings(output: str) -> list[str]:
    return [line for line in output.splitlines() if "warn" in line.lower()]


async def test_openapi_typescript_generates_without_warnings(
    document: Path, node_tools: Path, tmp_path: Path
) -> None:
    output = _run([node_tools / "openapi-typescript", document, "-o", "api.d.ts"], tmp_path)
    assert not _warnings(output), output
    types = (tmp_path / "api.d.ts").read_text()
    assert '"/api/v1/search": {' in types
    assert '"/api/v1/bookings": {' in types
    compiled = _run([node_tools / "tsc", "--noEmit", "--strict", "api.d.ts"], tmp_path)
    assert not compiled.strip(), compiled


async def test_redocly_recommended_lint_is_clean(
    document: Path, node_tools: Path, tmp_path: Path
) -> None:
    config = CLIENTS / "redocly.yaml"
    report = json.loads(
        _run(
            [node_tools / "redocly", "lint", "--config", config, "--format", "json", document],
            tmp_path,
            stdout_only=True,  # stderr carries Redocly's notices about the Node.js version
        )
    )
    assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, report["problems"]


@pytest.fixture
def python_client(document: Path, tmp_path: Path) -> Iterator[ModuleType]:
    """The generated Python client, imported as ``alora_api_client``."""
    generator = Path(sys.executable).with_name("openapi-python-client")
    output = _run(
        [
            generator, "generate", "--path", document, "--meta", "none",
            "--output-path", tmp_path / "alora_api_client",
            "--config", CLIENTS / "openapi-python-client.yaml",
        ],
        tmp_path,
    )  # fmt: skip
    assert not _warnings(output), output
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module("alora_api_client")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.startswith("alora_api_client")]:
            del sys.modules[name]


def _module(client: ModuleType, name: str) -> Any:
    return importlib.import_module(f"{client.__name__}.{name}")


async def test_generated_python_client_registers_signs_in_and_books(
    market: Market, python_client: ModuleType
) -> None:
    professional = await market.professional("pia")
    transport = httpx.ASGITransport(app=market.client.app)
    models = _module(python_client, "models")
    auth = "api.auth.auth_"
    public = python_client.Client(base_url=BASE_URL, httpx_args={"transport": transport})

    register = _module(python_client, auth + "register")
    created = await register.asyncio_detailed(
        client=public,
        body=models.RegisterRequest(
            full_name="Cleo Customer",
            username="cleo",
            email="cleo@example.com",
            phone="+14155550199",
            password=PASSWORD,
            role=models.RegisterRequestRole.CUSTOMER,
        ),
    )
    assert created.status_code == 201, created.content
    assert isinstance(created.parsed, models.UserResponse)

    verify = _module(python_client, auth + "verify_email")
    verified = await verify.asyncio_detailed(
        client=public,
        body=models.VerifyEmailRequest(
            email="cleo@example.com", code=market.api.last_code("cleo@example.com")
        ),
    )
    assert verified.status_code == 200, verified.content

    login = _module(python_client, auth + "login")
    tokens = await login.asyncio(
        client=public, body=models.LoginRequest(identifier="cleo", password=PASSWORD)
    )
    assert isinstance(tokens, models.TokenResponse), tokens

    signed_in = python_client.AuthenticatedClient(
        base_url=BASE_URL, token=tokens.access_token, httpx_args={"transport": transport}
    )
    book = _module(python_client, "api.bookings.bookings_request_booking")
    start = market.api.clock.now() + timedelta(hours=2)
    booked = await book.asyncio_detailed(
        client=signed_in,
        body=models.BookingRequest(
            professional_id=professional.id,
            service_id=market.service_id,
            start=start,
            duration_minutes=60,
            address="1 Main Street, Berlin",
        ),
    )
    assert booked.status_code == 201, booked.content
    booking = booked.parsed
    assert isinstance(booking, models.BookingResponse)
    assert str(booking.professional_id) == professional.id
    assert booking.status.value == "pending"
    assert booking.price.amount == 4500

    again = await book.asyncio_detailed(
        client=signed_in,
        body=models.BookingRequest(
            professional_id=professional.id,
            service_id=market.service_id,
            start=start,
            duration_minutes=60,
            address="1 Main Street, Berlin",
        ),
    )
    assert again.status_code == 409
    assert isinstance(again.parsed, models.Problem)
    assert again.parsed.reason == "taken"
