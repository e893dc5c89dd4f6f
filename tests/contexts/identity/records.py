"""Identity's records made directly (users, sessions, codes), written through a unit of work, and
counted in the database: for the tests of identity's SQL adapter."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.identity.uow import SqlIdentityUnitOfWork
from alora_core.identity.model import OneTimeCode, Purpose, Role, Session, User
from alora_core.shared.audit import AuditEntry

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def is_postgres(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"


def make_user(name: str = "ana", *, at: datetime = NOW, **overrides: Any) -> User:
    fields: dict[str, Any] = {
        "full_name": f"{name.title()} Example",
        "username": name,
        "email": f"{name}@example.com",
        "phone": None,
        "password_hash": "hash",
        "role": Role.CUSTOMER,
        "created_at": at,
    } | overrides
    return User(**fields)


def make_session(user: User, *, at: datetime = NOW, **overrides: Any) -> Session:
    fields: dict[str, Any] = {
        "user_id": user.id,
        "token_hash": uuid.uuid4().hex,
        "created_at": at,
        "expires_at": at + timedelta(days=7),
        "last_used_at": at,
    } | overrides
    return Session(**fields)


def make_code(
    user: User, purpose: Purpose = Purpose.VERIFY_EMAIL, at: datetime = NOW
) -> OneTimeCode:
    return OneTimeCode.issue(user.id, purpose, uuid.uuid4().hex, at, timedelta(minutes=15), 3)


async def add_all(uow: SqlIdentityUnitOfWork, *objects: object) -> None:
    async with uow:
        for obj in objects:
            if isinstance(obj, User):
                await uow.users.add(obj)
            elif isinstance(obj, Session):
                await uow.sessions.add(obj)
            elif isinstance(obj, OneTimeCode):
                await uow.codes.add(obj)
            else:
                assert isinstance(obj, AuditEntry)
                await uow.audit_log.add(obj)
        await uow.commit()


async def count_rows(engine: AsyncEngine, table_name: str) -> int:
    async with engine.connect() as connection:
        return int(
            (await connection.execute(text(f"SELECT count(*) FROM {table_name}"))).scalar_one()
        )
