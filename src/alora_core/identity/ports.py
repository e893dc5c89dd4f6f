"""What the identity context needs from the outside world."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Protocol

from attrs import frozen

from alora_core.identity.model import Device, OneTimeCode, Purpose, Role, Session, User
from alora_core.identity.queries import SignedIn
from alora_core.shared.events import DomainEvent
from alora_core.shared.pagination import Page, PageRequest
from alora_core.shared.uow import UnitOfWork


class PasswordHasher(Protocol):
    """argon2id in production. Every method runs the work off the event loop."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool:
        """True when ``password`` matches; False (never an exception) otherwise."""
        ...

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters than the current ones."""
        ...

    async def verify_dummy(self, password: str) -> None:
        """Verify ``password`` against a fixed hash of a random secret and discard the result.

        Sign-in calls this when the identifier matches no user, so an unknown identifier costs
        the same time as a wrong password and cannot be told apart by timing.
        """
        ...


@frozen
class AccessClaims:
    user_id: uuid.UUID
    role: Role
    session_id: uuid.UUID
    issued_at: datetime
    expires_at: datetime


class TokenIssuer(Protocol):
    """Signs and checks access tokens (JWT in production)."""

    def issue(
        self, user_id: uuid.UUID, role: Role, session_id: uuid.UUID, now: datetime
    ) -> str: ...

    def verify(self, token: str, now: datetime) -> AccessClaims:
        """The claims of a valid access token; raises ``Unauthenticated`` for anything else."""
        ...

    @property
    def lifetime_seconds(self) -> int: ...


class Users(Protocol):
    async def add(self, user: User) -> None: ...

    async def get(self, user_id: uuid.UUID) -> User | None: ...

    async def get_for_update(self, user_id: uuid.UUID) -> User | None:
        """The user, locked until commit: transactions that change who the user is queue."""
        ...

    async def find_by_email(self, email: str) -> User | None: ...

    async def find_by_username(self, username: str) -> User | None: ...

    async def find_by_phone(self, phone: str) -> User | None: ...

    async def find_by_email_skeleton(self, skeleton: str) -> User | None:
        """The user whose email looks like one with this skeleton (``LookAlikes``)."""
        ...

    async def find_by_username_skeleton(self, skeleton: str) -> User | None: ...

    async def find_by_any(self, value: str) -> User | None:
        """The user whose email, username or phone equals ``value``."""
        ...

    async def record_login(self, user_id: uuid.UUID, now: datetime) -> None:
        """Set ``last_login_at`` on commit, without a version check: devices sign in at once."""
        ...

    async def signed_in(self, session_id: uuid.UUID, now: datetime) -> SignedIn | None:
        """The user of a session that is neither revoked nor expired, with the session's end:
        one read."""
        ...

    async def search(self, page: PageRequest, role: Role | None, text: str | None) -> Page[User]:
        """Users by newest first; ``text`` matches name, username, email or phone."""
        ...

    async def delete(self, user: User) -> None: ...


class Sessions(Protocol):
    async def add(self, session: Session) -> None: ...

    async def get(self, session_id: uuid.UUID) -> Session | None: ...

    async def remember_token(self, session: Session) -> None:
        """Record ``session.token_hash`` as issued by this session (after create and rotate)."""
        ...

    async def find_by_token_hash(self, token_hash: str) -> Session | None:
        """The session that ever issued this refresh token, rotated or not."""
        ...

    async def active_for_user(self, user_id: uuid.UUID, now: datetime) -> list[Session]:
        """Sessions neither revoked nor expired, oldest first."""
        ...

    async def search(
        self, page: PageRequest, user_id: uuid.UUID | None, now: datetime
    ) -> Page[Session]:
        """Active sessions, newest first."""
        ...

    async def delete_ended(self, ended_before: datetime) -> int:
        """Delete the sessions revoked or expired before ``ended_before``, and their refresh
        tokens, in one statement; return how many sessions were deleted."""
        ...


class OneTimeCodes(Protocol):
    async def add(self, code: OneTimeCode) -> None: ...

    async def latest(self, user_id: uuid.UUID, purpose: Purpose) -> OneTimeCode | None: ...

    async def delete_for(self, user_id: uuid.UUID, purpose: Purpose) -> None: ...

    async def delete_spent(self, now: datetime, used_up_before: datetime) -> int:
        """Delete, in one statement, the codes expired at ``now`` and the used-up ones issued
        before ``used_up_before``; return how many were deleted."""
        ...


class Devices(Protocol):
    """The devices each user has signed in from; deleting the user forgets them."""

    async def remember(self, user_id: uuid.UUID, device: Device, ip: str, at: datetime) -> bool:
        """Note a sign-in from ``device``; True when the user had not used it before.

        Of concurrent first sign-ins from one device, exactly one gets True.
        """
        ...

    async def count(self, user_id: uuid.UUID) -> int: ...


class OwnImages(Protocol):
    """The uploaded files a profile may show (the files context's, read here)."""

    async def images_of(
        self, owner_id: uuid.UUID, file_ids: Collection[uuid.UUID]
    ) -> set[uuid.UUID]:
        """Those of ``file_ids`` that name an image uploaded by ``owner_id``."""
        ...


class IdentityUnitOfWork(UnitOfWork, Protocol):
    @property
    def users(self) -> Users: ...

    @property
    def sessions(self) -> Sessions: ...

    @property
    def codes(self) -> OneTimeCodes: ...

    @property
    def devices(self) -> Devices: ...

    def record_events(self, events: Iterable[DomainEvent]) -> None:
        """Events of no aggregate, committed like the aggregates' own; a rollback forgets them."""
        ...

    @property
    def own_images(self) -> OwnImages: ...


class LookAlikes(Protocol):
    """Identifiers that only look like others (Unicode TS #39), for text already folded
    (``normalize.fold``)."""

    def skeleton(self, text: str) -> str:
        """What ``text`` looks like: identifiers that can be mistaken for each other (``ada``
        in Cyrillic letters and in Latin ones, ``rn`` and ``m``) have the same skeleton."""
        ...

    def mixes_scripts(self, text: str) -> bool:
        """Whether ``text`` mixes scripts that are not written together (Latin with Cyrillic or
        Greek, say; Latin with Han and Kana is fine): TS #39's highly restrictive level."""
        ...


class PhoneNumbers(Protocol):
    def to_e164(self, raw: str) -> str | None:
        """The number in E.164 (``+4915112345678``), or None when it is not a valid number."""
        ...


@frozen(kw_only=True)
class CacheLookup:
    """What ``SignedInCache.get`` found, and what ``put`` needs to keep a fresh read."""

    user_id: uuid.UUID
    session_id: uuid.UUID
    found: SignedIn | None
    stamp: int | None
    """The user's version when looked up; None: what is read now must not be kept."""


class SignedInCache(Protocol):
    """Who is signed in with which session, kept so that most requests read no database.

    ``forget`` takes effect at once for the next ``get`` in every process that serves: a
    user forgotten here is looked up again. A read that started before a ``forget`` is never
    kept (``put`` compares the version its ``get`` saw).
    """

    async def get(self, user_id: uuid.UUID, session_id: uuid.UUID) -> CacheLookup: ...

    async def put(self, lookup: CacheLookup, signed_in: SignedIn) -> None: ...

    async def forget(self, user_ids: Collection[uuid.UUID]) -> None: ...


class NoSignedInCache:
    """A ``SignedInCache`` that keeps nothing: every request reads the database."""

    async def get(self, user_id: uuid.UUID, session_id: uuid.UUID) -> CacheLookup:
        return CacheLookup(user_id=user_id, session_id=session_id, found=None, stamp=None)

    async def put(self, lookup: CacheLookup, signed_in: SignedIn) -> None:
        return None

    async def forget(self, user_ids: Collection[uuid.UUID]) -> None:
        return None
