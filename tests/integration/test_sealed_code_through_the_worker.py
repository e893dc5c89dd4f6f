"""A one-time code sealed by the API process is opened by a worker process and mailed.

Real processes: an API (``alora serve``) and a worker (``alora worker``) sharing PostgreSQL,
Redis and ``ALORA_SECRET_KEY``; an SMTP server in the test (aiosmtpd). The code reaches the
inbox, works, and was never in the outbox in clear.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Row, text

from adapters.sqlalchemy.database import create_engine
from entrypoints.migrations import upgrade
from support.http import code_from
from support.processes import alora_environment, free_port, start_alora, stop, wait_ready

pytestmark = pytest.mark.postgres

SECRET = "a-secret-shared-by-the-api-and-the-worker-0123"


class Inbox:
    def __init__(self) -> None:
        self.texts: dict[str, list[str]] = {}

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        body = parsed.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
        for recipient in envelope.rcpt_tos:
            self.texts.setdefault(recipient, []).append(body.get_content())
        return "250 OK"


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


async def _rows(url: str, query: str) -> list[Row[Any]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return list((await connection.execute(text(query))).all())
    finally:
        await engine.dispose()


async def test_a_code_sealed_by_the_api_is_opened_and_mailed_by_the_worker(
    fresh_postgres_url: str, redis_url: str, inbox: tuple[Inbox, int], tmp_path: Path
) -> None:
    handler, smtp_port = inbox
    await upgrade(fresh_postgres_url)
    api_port = free_port()
    env = alora_environment(
        ALORA_DATABASE_URL=fresh_postgres_url,
        ALORA_REDIS_URL=redis_url,
        ALORA_BACKGROUND="external",
        ALORA_SECRET_KEY=SECRET,
        ALORA_VAR_DIR=str(tmp_path / "var"),
        ALORA_SMTP_HOST="127.0.0.1",
        ALORA_SMTP_PORT=str(smtp_port),
        ALORA_SMTP_SECURITY="none",
        ALORA_RELAY_POLL_SECONDS="0.2",
        ALORA_LOG_LEVEL="warning",
    )
    log = tmp_path / "processes.log"
    api = start_alora(["serve", "--port", str(api_port)], env, log)
    worker = start_alora(["worker"], env, log)
    base_url = f"http://127.0.0.1:{api_port}"
    try:
        await wait_ready(base_url)
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            registered = await client.post(
                "/api/v1/auth/register",
                json={
                    "fullName": "Ana Example",
                    "username": "ana",
                    "email": "ana@example.com",
                    "phone": "+14155550100",
                    "role": "customer",
                    "password": "correct horse battery staple",
                },
            )
            assert registered.status_code == 201, registered.text
            deadline = time.monotonic() + 60
            codes: list[str] = []
            while not codes and time.monotonic() < deadline:
                texts = handler.texts.get("ana@example.com", [])
                codes = [code_from(t) for t in texts if "Enter it to verify" in t]
                await asyncio.sleep(0.2)
            assert codes, f"no code email arrived; see {log}"
            verified = await client.post(
                "/api/v1/auth/verify-email", json={"email": "ana@example.com", "code": codes[0]}
            )
            assert verified.status_code == 200, verified.text
    finally:
        for process in (api, worker):
            stop(process)

    assert await _rows(fresh_postgres_url, "SELECT id FROM dead_jobs") == []
    handled = await _rows(fresh_postgres_url, "SELECT handler FROM handled_events")
    assert ("identity.code_email",) in [tuple(row) for row in handled]
