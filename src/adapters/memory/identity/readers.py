"""Reads of identity's tables that other contexts' ports ask for, in memory."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alora_core.identity.model import Role

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork


class MemoryAdminEmails:
    """The email addresses of the administrators who are not suspended, sorted."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def emails(self) -> list[str]:
        admins = self._uow.scan("users", lambda u: u.role is Role.ADMIN and not u.suspended)
        return sorted(user.email for user in admins)
