"""Notices of one collapse key delivered at once on PostgreSQL, really in parallel: one unread
notification (the partial unique index); a delivery that lost the race fails and, retried as
its job is, updates the one that won."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from alora_core.notifications.commands import ListNotifications, Notify
from alora_core.notifications.model import EmailKind, NotificationType
from alora_core.shared.actor import Actor, Role
from alora_core.shared.errors import Conflict
from conftest import empty_tables
from entrypoints.bootstrap import Alora
from support.backends import Backend
from support.builders import add_user

KEY = "conversation:race"


@pytest.fixture
async def alora(migrated_postgres_url: str, tmp_path: Path) -> AsyncIterator[Alora]:
    await empty_tables(migrated_postgres_url)
    backend = Backend("postgres", migrated_postgres_url, tmp_path / "var")
    try:
        yield await backend.build()
    finally:
        await backend.close()


def notice(recipient: Actor, n: int) -> Notify:
    assert recipient.user_id is not None
    return Notify(
        recipient_id=recipient.user_id,
        type=NotificationType.INFO,
        title=f"{n} new messages",
        body="",
        email_kind=EmailKind.MESSAGE,
        collapse_key=KEY,
    )


async def test_concurrent_notices_of_one_key_make_one_notification(alora: Alora) -> None:
    user = await add_user(alora, "ana", verified=True)
    ana = Actor(user_id=user.id, role=Role.CUSTOMER, email_verified=True)
    results = await asyncio.gather(
        *(alora.bus.handle(notice(ana, n)) for n in range(10)), return_exceptions=True
    )
    assert all(isinstance(r, Conflict) or not isinstance(r, BaseException) for r in results)
    made = {r for r in results if not isinstance(r, BaseException)}
    assert len(made) == 1
    retried = await alora.bus.handle(notice(ana, 11))
    assert {retried} == made
    page = await alora.bus.handle(ListNotifications(actor=ana))
    [notification] = page.items
    assert notification.title == "11 new messages"
    emails = [m for m in alora.mailer.sent if "new messages" in m.subject]  # type: ignore[attr-defined]
    assert len(emails) == 1
