"""SQLAlchemy repositories of the identity context.

They read and write through a ``SqlUnitOfWork`` (its session, with autoflush, so a query sees
the changes of its own unit of work) and mirror ``adapters.memory.identity.repositories``: the
same filters, the same order (ties broken by id), the same pages.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ColumnElement, Select, Table, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from adapters.sqlalchemy.audit import audit_log_table
from adapters.sqlalchemy.identity.tables import (
    codes_table,
    devices_table,
    refresh_tokens_table,
    sessions_table,
    users_table,
)
from adapters.sqlalchemy.paging import entity_page
from alora_core.identity.model import Device, OneTimeCode, Purpose, Role, Session, User
from alora_core.identity.queries import SignedIn
from alora_core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from adapters.sqlalchemy.uow import SqlUnitOfWork

__all__ = ["SqlCodes", "SqlDevices", "SqlSessions", "SqlUsers"]

T = TypeVar("T")

_users = users_table.c
_sessions = sessions_table.c
_codes = codes_table.c
_tokens = refresh_tokens_table.c
_devices = devices_table.c
_audit = audit_log_table.c


def _insert(uow: SqlUnitOfWork, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT in the dialect of the unit of work's database (for ``on_conflict_do_...``)."""
    if uow.dialect_name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _active_session(now: datetime) -> list[ColumnElement[bool]]:
    """``Session.is_active(now)`` in SQL."""
    return [_sessions.revoked_at.is_(None), _sessions.expires_at > now]


class SqlUsers:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def add(self, user: User) -> None:
        self._uow.add(user)

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self._uow.get(User, user_id)

    async def get_for_update(self, user_id: uuid.UUID) -> User | None:
        return await self._uow.get(User, user_id, for_update=True)

    async def find_by_email(self, email: str) -> User | None:
        return await self._first(_users.email == email)

    async def find_by_username(self, username: str) -> User | None:
        return await self._first(_users.username == username)

    async def find_by_phone(self, phone: str) -> User | None:
        return await self._first(_users.phone == phone)

    async def find_by_email_skeleton(self, skeleton: str) -> User | None:
        return await self._first(_users.email_skeleton == skeleton)

    async def find_by_username_skeleton(self, skeleton: str) -> User | None:
        return await self._first(_users.username_skeleton == skeleton)

    async def find_by_any(self, value: str) -> User | None:
        return await self._first(
            or_(_users.email == value, _users.username == value, _users.phone == value)
        )

    async def record_login(self, user_id: uuid.UUID, now: datetime) -> None:
        await self._uow.execute(
            update(users_table).where(_users.id == user_id).values(last_login_at=now)
        )

    async def signed_in(self, session_id: uuid.UUID, now: datetime) -> SignedIn | None:
        statement = (
            select(User, _sessions.expires_at)
            .join(sessions_table, _sessions.user_id == _users.id)
            .where(_sessions.id == session_id, *_active_session(now))
        )
        row: Any = (await self._uow.execute(statement)).first()
        return None if row is None else SignedIn(user=row[0], session_expires_at=row[1])

    async def search(self, page: PageRequest, role: Role | None, text: str | None) -> Page[User]:
        where: list[ColumnElement[bool]] = []
        if role is not None:
            where.append(_users.role == role)
        if text:
            needle = text.lower()
            columns = (_users.full_name, _users.username, _users.email, _users.phone)
            where.append(
                or_(*(func.lower(column).contains(needle, autoescape=True) for column in columns))
            )
        newest_first = [_users.created_at.desc(), _users.id.desc()]
        return await entity_page(self._uow, User, where, newest_first, page)

    async def delete(self, user: User) -> None:
        """Delete the user; the database cascades to its sessions, tokens and codes."""
        await self._uow.delete(user)

    async def _first(self, where: ColumnElement[bool]) -> User | None:
        # Unique columns match at most one row; the order only makes find_by_any deterministic.
        statement = select(User).where(where).order_by(_users.created_at, _users.id).limit(1)
        return await self._uow.first(statement)


class SqlSessions:
    """Sessions, and the refresh tokens each one issued (a Core table, not an aggregate).

    Like the in-memory adapter, remembered tokens are held back and written on commit, so a
    concurrent rotation surfaces as ``Conflict`` from ``commit()``, not from here.
    """

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow
        self._new_tokens: dict[str, tuple[uuid.UUID, datetime]] = {}

    async def add(self, session: Session) -> None:
        self._uow.add(session)

    async def get(self, session_id: uuid.UUID) -> Session | None:
        return await self._uow.get(Session, session_id)

    async def remember_token(self, session: Session) -> None:
        """Record ``session.token_hash`` as issued by ``session`` (now, written on commit)."""
        self._new_tokens[session.token_hash] = (session.id, session.last_used_at)

    async def find_by_token_hash(self, token_hash: str) -> Session | None:
        if token_hash in self._new_tokens:
            return await self.get(self._new_tokens[token_hash][0])
        statement = (
            select(Session)
            .join(refresh_tokens_table, _tokens.session_id == _sessions.id)
            .where(_tokens.token_hash == token_hash)
        )
        return await self._uow.first(statement)

    async def before_commit(self) -> None:
        """Insert the remembered tokens (after a flush: their sessions' rows must exist).

        A token already known moves to the new session, as in the in-memory adapter.
        """
        if not self._new_tokens:
            return
        session = self._uow.session
        await session.flush()
        rows = [
            {"token_hash": token, "session_id": session_id, "created_at": at}
            for token, (session_id, at) in self._new_tokens.items()
        ]
        insert = _insert(self._uow, refresh_tokens_table)
        statement = insert.on_conflict_do_update(
            index_elements=[_tokens.token_hash],
            set_={"session_id": insert.excluded.session_id},
        )
        await session.execute(statement, rows)
        self._new_tokens.clear()

    def reset(self) -> None:
        self._new_tokens.clear()

    async def active_for_user(self, user_id: uuid.UUID, now: datetime) -> list[Session]:
        statement = (
            select(Session)
            .where(_sessions.user_id == user_id, *_active_session(now))
            .order_by(_sessions.created_at, _sessions.id)
        )
        return await self._uow.scalars(statement)

    async def search(
        self, page: PageRequest, user_id: uuid.UUID | None, now: datetime
    ) -> Page[Session]:
        where = _active_session(now)
        if user_id is not None:
            where.append(_sessions.user_id == user_id)
        newest_first = [_sessions.created_at.desc(), _sessions.id.desc()]
        return await entity_page(self._uow, Session, where, newest_first, page)

    async def delete_ended(self, ended_before: datetime) -> int:
        """One DELETE; the database cascades to the sessions' refresh tokens."""
        statement = sessions_table.delete().where(
            or_(_sessions.expires_at < ended_before, _sessions.revoked_at < ended_before)
        )
        return len((await self._uow.execute(statement.returning(_sessions.id))).all())


class SqlCodes:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def add(self, code: OneTimeCode) -> None:
        self._uow.add(code)

    async def latest(self, user_id: uuid.UUID, purpose: Purpose) -> OneTimeCode | None:
        statement = (
            self._for(user_id, purpose).order_by(_codes.created_at.desc(), _codes.id.desc())
        ).limit(1)
        return await self._uow.first(statement)

    async def delete_for(self, user_id: uuid.UUID, purpose: Purpose) -> None:
        for code in await self._uow.scalars(self._for(user_id, purpose)):
            await self._uow.delete(code)

    async def delete_spent(self, now: datetime, used_up_before: datetime) -> int:
        used_up = (_codes.attempts >= _codes.max_attempts) & (_codes.created_at < used_up_before)
        statement = codes_table.delete().where(or_(_codes.expires_at <= now, used_up))
        return len((await self._uow.execute(statement.returning(_codes.id))).all())

    @staticmethod
    def _for(user_id: uuid.UUID, purpose: Purpose) -> Select[OneTimeCode]:
        return select(OneTimeCode).where(_codes.user_id == user_id, _codes.purpose == purpose)


class SqlDevices:
    """The devices users signed in from: a Core table, no aggregate.

    A known device is one UPDATE. A new one is inserted with ON CONFLICT DO NOTHING: of
    concurrent first sign-ins from one device, the others wait for the winner's commit, insert
    nothing and update its row instead.
    """

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def remember(self, user_id: uuid.UUID, device: Device, ip: str, at: datetime) -> bool:
        if await self._touch(user_id, device, ip, at):
            return False
        row = {
            "user_id": user_id,
            "device_hash": device.hash,
            "user_agent": device.user_agent,
            "first_seen_at": at,
            "last_seen_at": at,
            "last_ip": ip,
        }
        insert = _insert(self._uow, devices_table).values(row).on_conflict_do_nothing()
        if (await self._uow.execute(insert.returning(_devices.user_id))).first() is not None:
            return True
        await self._touch(user_id, device, ip, at)
        return False

    async def count(self, user_id: uuid.UUID) -> int:
        statement = select(func.count()).select_from(devices_table)
        return int(await self._uow.scalar(statement.where(_devices.user_id == user_id)) or 0)

    async def _touch(self, user_id: uuid.UUID, device: Device, ip: str, at: datetime) -> bool:
        """Update the device's row; False when there is none."""
        statement = (
            update(devices_table)
            .where(_devices.user_id == user_id, _devices.device_hash == device.hash)
            .values(last_seen_at=at, last_ip=ip)
            .returning(_devices.user_id)
        )
        return (await self._uow.execute(statement)).first() is not None
