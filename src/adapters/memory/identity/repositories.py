"""Identity's repositories in memory, reading and writing through a ``MemoryUnitOfWork``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from attrs import define

from adapters.memory.paging import list_page
from alora_core.identity.model import Device, OneTimeCode, Purpose, Role, Session, User
from alora_core.identity.queries import SignedIn
from alora_core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork

REFRESH_TOKENS = "refresh_tokens"


class MemoryUsers:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, user: User) -> None:
        self._uow.add("users", user)

    async def get(self, user_id: uuid.UUID) -> User | None:
        user: User | None = self._uow.load("users", user_id)
        return user

    async def get_for_update(self, user_id: uuid.UUID) -> User | None:
        return await self.get(user_id)  # memory commits are atomic; nothing to lock

    async def find_by_email(self, email: str) -> User | None:
        return next(self._uow.scan("users", lambda u: u.email == email), None)

    async def find_by_username(self, username: str) -> User | None:
        return next(self._uow.scan("users", lambda u: u.username == username), None)

    async def find_by_phone(self, phone: str) -> User | None:
        return next(self._uow.scan("users", lambda u: u.phone == phone), None)

    async def find_by_email_skeleton(self, skeleton: str) -> User | None:
        return next(self._uow.scan("users", lambda u: u.email_skeleton == skeleton), None)

    async def find_by_username_skeleton(self, skeleton: str) -> User | None:
        return next(self._uow.scan("users", lambda u: u.username_skeleton == skeleton), None)

    async def find_by_any(self, value: str) -> User | None:
        return next(
            self._uow.scan("users", lambda u: value in (u.email, u.username, u.phone)), None
        )

    async def record_login(self, user_id: uuid.UUID, now: datetime) -> None:
        def write() -> None:
            stored = self._uow.store.rows("users").get(user_id)
            if stored is not None:
                stored.last_login_at = now

        self._uow.on_commit(write)

    async def signed_in(self, session_id: uuid.UUID, now: datetime) -> SignedIn | None:
        session: Session | None = self._uow.load("sessions", session_id)
        if session is None or not session.is_active(now):
            return None
        user = await self.get(session.user_id)
        return None if user is None else SignedIn(user=user, session_expires_at=session.expires_at)

    async def search(self, page: PageRequest, role: Role | None, text: str | None) -> Page[User]:
        needle = (text or "").lower()

        def matches(user: User) -> bool:
            if role is not None and user.role is not role:
                return False
            haystack = (user.full_name.lower(), user.username, user.email, user.phone or "")
            return not needle or any(needle in part for part in haystack)

        found = sorted(
            self._uow.scan("users", matches), key=lambda u: (u.created_at, u.id), reverse=True
        )
        return list_page(found, page)

    async def delete(self, user: User) -> None:
        self._uow.delete("users", user)


class MemorySessions:
    """Sessions, and the refresh tokens each one issued (``REFRESH_TOKENS`` index of the store:
    token hash -> session id). Remembered tokens are written on commit."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow
        self._new_tokens: dict[str, uuid.UUID] = {}

    def reset(self) -> None:
        self._new_tokens.clear()

    async def add(self, session: Session) -> None:
        self._uow.add("sessions", session)

    async def get(self, session_id: uuid.UUID) -> Session | None:
        session: Session | None = self._uow.load("sessions", session_id)
        return session

    async def remember_token(self, session: Session) -> None:
        token_hash, session_id = session.token_hash, session.id
        self._new_tokens[token_hash] = session_id
        index = self._uow.store.index(REFRESH_TOKENS)
        self._uow.on_commit(lambda: index.__setitem__(token_hash, session_id))

    async def find_by_token_hash(self, token_hash: str) -> Session | None:
        session_id = self._new_tokens.get(token_hash)
        if session_id is None:
            session_id = self._uow.store.index(REFRESH_TOKENS).get(token_hash)
        return None if session_id is None else await self.get(session_id)

    async def active_for_user(self, user_id: uuid.UUID, now: datetime) -> list[Session]:
        found = self._uow.scan("sessions", lambda s: s.user_id == user_id and s.is_active(now))
        return sorted(found, key=lambda s: (s.created_at, s.id))

    async def search(
        self, page: PageRequest, user_id: uuid.UUID | None, now: datetime
    ) -> Page[Session]:
        found = self._uow.scan(
            "sessions", lambda s: s.is_active(now) and user_id in (None, s.user_id)
        )
        return list_page(sorted(found, key=lambda s: (s.created_at, s.id), reverse=True), page)

    async def delete_ended(self, ended_before: datetime) -> int:
        def ended(s: Session) -> bool:
            return s.expires_at < ended_before or (
                s.revoked_at is not None and s.revoked_at < ended_before
            )

        found = list(self._uow.scan("sessions", ended))
        for session in found:
            self._uow.delete("sessions", session)  # commit forgets its refresh tokens too
        return len(found)


class MemoryCodes:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, code: OneTimeCode) -> None:
        self._uow.add("codes", code)

    async def latest(self, user_id: uuid.UUID, purpose: Purpose) -> OneTimeCode | None:
        found = self._uow.scan("codes", lambda c: c.user_id == user_id and c.purpose is purpose)
        return max(found, key=lambda c: (c.created_at, c.id), default=None)

    async def delete_for(self, user_id: uuid.UUID, purpose: Purpose) -> None:
        for code in list(
            self._uow.scan("codes", lambda c: c.user_id == user_id and c.purpose is purpose)
        ):
            self._uow.delete("codes", code)

    async def delete_spent(self, now: datetime, used_up_before: datetime) -> int:
        def spent(c: OneTimeCode) -> bool:
            return c.expires_at <= now or (c.exhausted and c.created_at < used_up_before)

        found = list(self._uow.scan("codes", spent))
        for code in found:
            self._uow.delete("codes", code)
        return len(found)


@define
class KnownDevice:
    """A row of ``user_devices``; ``id`` stands for the key (user_id, device_hash)."""

    id: uuid.UUID
    user_id: uuid.UUID
    device_hash: str
    user_agent: str
    first_seen_at: datetime
    last_seen_at: datetime
    last_ip: str


class MemoryDevices:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def remember(self, user_id: uuid.UUID, device: Device, ip: str, at: datetime) -> bool:
        row_id = uuid.uuid5(user_id, device.hash)
        if self._uow.load("devices", row_id) is None:
            self._uow.add(
                "devices",
                KnownDevice(row_id, user_id, device.hash, device.user_agent, at, at, ip),
            )
            return True

        def write() -> None:  # like an UPDATE: no version check
            stored = self._uow.store.rows("devices").get(row_id)
            if stored is not None:
                stored.last_seen_at, stored.last_ip = at, ip

        self._uow.on_commit(write)
        return False

    async def count(self, user_id: uuid.UUID) -> int:
        return sum(1 for _ in self._uow.scan("devices", lambda d: d.user_id == user_id))
