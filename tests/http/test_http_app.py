"""``create_app``'s wiring of the health routes: readiness runs the composed Alora's own checks."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from entrypoints import bootstrap
from entrypoints.http.app import create_app
from support.http import make_settings


async def _ok() -> None:
    return None


async def _failing() -> None:
    raise ConnectionError("redis refused the connection")


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_readiness_runs_the_checks_alora_has_when_asked(tmp_path: Path) -> None:
    alora = bootstrap.build_in_memory()
    alora.readiness_checks.clear()
    app = create_app(make_settings(tmp_path), alora=alora)
    with TestClient(app) as client:
        assert client.get("/health/ready").json() == {"status": "ready", "checks": {}}
        alora.readiness_checks["redis"] = _failing  # changed after the app was built
        not_ready = client.get("/health/ready")
        assert not_ready.status_code == 503
        assert not_ready.json()["checks"] == {"redis": "failing"}
        alora.readiness_checks["redis"] = _ok
        assert client.get("/health/ready").json()["checks"] == {"redis": "ok"}


@pytest.mark.usefixtures("restore_logging")
def test_readiness_fails_until_alora_is_started(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path))  # builds Alora from the settings at start-up
    client = TestClient(app)  # not entered: no start-up
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"] == {"startup": "failing"}
