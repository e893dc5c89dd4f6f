"""Opening one direct conversation from 30 requests at once, on PostgreSQL in parallel
transactions: one conversation, two members, one ``created`` event; every request answers it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import empty_tables
from contexts.messaging.conversations_harness import Chats, open_chats
from support.backends import Backend

CONTENDERS = 30


@pytest.fixture
async def chats(migrated_postgres_url: str, tmp_path: Path) -> AsyncIterator[Chats]:
    await empty_tables(migrated_postgres_url)
    backend = Backend("postgres", migrated_postgres_url, tmp_path / "var")
    try:
        yield await open_chats(backend)
    finally:
        await backend.close()


async def rows(chats: Chats, table: str) -> int:
    async with chats.uow().reading() as uow:
        return int((await uow.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def test_thirty_simultaneous_opens_of_one_pair_make_one_conversation(chats: Chats) -> None:
    ana, bob = await chats.user("ana"), await chats.user("bob")
    opened = await asyncio.gather(
        *(chats.direct(*((ana, bob) if i % 2 else (bob, ana))) for i in range(CONTENDERS))
    )
    assert len({o.view.conversation.id for o in opened}) == 1
    assert sum(o.created for o in opened) == 1
    assert await rows(chats, "messaging_conversations") == 1
    assert await rows(chats, "messaging_members") == 2
    assert await rows(chats, "messaging_events") == 1
