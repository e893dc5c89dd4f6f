"""Identity's unit of work in memory: users, sessions (with their refresh tokens), codes and
devices."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.memory.files.readers import MemoryOwnImages
from adapters.memory.identity.repositories import (
    REFRESH_TOKENS,
    MemoryCodes,
    MemoryDevices,
    MemorySessions,
    MemoryUsers,
)
from adapters.memory.identity.statistics import MemoryUserStatistics
from adapters.memory.store import MemoryStore, Reference, TableSpec
from adapters.memory.uow import MemoryUnitOfWork
from adapters.repository import repository

if TYPE_CHECKING:
    from alora_core.identity.ports import IdentityUnitOfWork

_OF_USER = (Reference("user_id", "users"),)


class MemoryIdentityUnitOfWork(MemoryUnitOfWork):
    tables = (
        TableSpec(
            "users",
            unique=("email", "username", "phone", "email_skeleton", "username_skeleton"),
        ),
        TableSpec("sessions", references=_OF_USER),
        TableSpec("codes", references=_OF_USER),
        TableSpec("devices", references=_OF_USER),
    )

    users = repository(MemoryUsers)
    sessions = repository(MemorySessions)
    codes = repository(MemoryCodes)
    devices = repository(MemoryDevices)
    statistics = repository(MemoryUserStatistics)
    own_images = repository(MemoryOwnImages)

    @classmethod
    def register(cls, store: MemoryStore) -> None:
        super().register(store)
        if _forget_dead_tokens not in store.after_delete:
            store.after_delete.append(_forget_dead_tokens)


def _forget_dead_tokens(store: MemoryStore) -> None:
    """Refresh tokens go with their session (``ON DELETE CASCADE`` in SQL)."""
    live = store.rows("sessions")
    tokens = store.index(REFRESH_TOKENS)
    for token, session_id in list(tokens.items()):
        if session_id not in live:
            del tokens[token]


if TYPE_CHECKING:

    def _conforms(uow: MemoryIdentityUnitOfWork) -> IdentityUnitOfWork:
        return uow
