"""Builders: records written straight through a context's unit of work, for tests that need
them to exist without the use case that makes them (which the context's own suite tests)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from typing import Any

from alora_core.files.model import StoredFile
from alora_core.identity.model import Role, User, UserSettings
from alora_core.shared.audit import AuditEntry
from alora_core.shared.pagination import PageRequest
from entrypoints.bootstrap import Alora

_phones = itertools.count(1)


async def add_user(
    alora: Alora,
    name: str,
    role: Role = Role.CUSTOMER,
    *,
    full_name: str | None = None,
    verified: bool = False,
    suspended: bool = False,
    phone: bool = False,
    unique: bool = False,
    **settings: Any,
) -> User:
    """A user called ``name`` (``name@example.com``; with ``unique``, a random suffix keeps
    names apart), with no usable password. ``settings`` are their ``UserSettings``."""
    username = f"{name}_{uuid.uuid4().hex[:8]}" if unique else name
    now = alora.clock.now()
    user = User(
        full_name=full_name or f"{name.title()} Example",
        username=username,
        email=f"{username}@example.com",
        phone=f"+1415555{next(_phones) % 10000:04d}" if phone else None,
        password_hash="not a real hash",
        role=role,
        created_at=now,
        email_verified_at=now if verified else None,
        suspended_at=now if suspended else None,
        settings=UserSettings(**settings),
    )
    async with alora.units_of_work["identity"]() as uow:
        await uow.users.add(user)
        await uow.commit()
    return user


async def add_file(
    alora: Alora,
    owner_id: uuid.UUID,
    content_type: str = "image/png",
    *,
    public: bool = True,
    file_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """The metadata of a file ``owner_id`` uploaded (no bytes in the storage)."""
    now = alora.clock.now()
    stored = StoredFile(
        id=file_id or uuid.uuid4(),
        owner_id=owner_id,
        content_type=content_type,
        size=10,
        sha256="0" * 64,
        filename="upload",
        public=public,
        storage_key=f"{owner_id}/{uuid.uuid4()}",
        created_at=now,
        updated_at=now,
    )
    async with alora.units_of_work["files"]() as uow:
        await uow.files.add(stored)
        await uow.commit()
    return stored.id


async def change_user(alora: Alora, user_id: uuid.UUID, change: Callable[[User], None]) -> None:
    async with alora.units_of_work["identity"]() as uow:
        user = await uow.users.get(user_id)
        assert user is not None
        change(user)
        await uow.commit()


async def delete_user(alora: Alora, user_id: uuid.UUID) -> None:
    """Delete the account as an administrator would (its rows in other contexts go with it)."""
    async with alora.units_of_work["identity"]() as uow:
        user = await uow.users.get(user_id)
        assert user is not None
        await uow.users.delete(user)
        await uow.commit()


async def audit_entries(alora: Alora, action: str | None = None) -> list[AuditEntry]:
    """The audit log, newest first (only ``action``'s entries when given)."""
    async with alora.uow_factory().reading() as uow:
        page = await uow.audit_log.list(PageRequest(1, 100), action=action)
    return list(page.items)
