"""Signing in and staying signed in: login, token refresh and rotation, logout, session lists."""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime

from alora_core.identity.commands import (
    Authenticate,
    ListMySessions,
    Login,
    Logout,
    RefreshSession,
    RevokeMySession,
)
from alora_core.identity.errors import InvalidCredentials
from alora_core.identity.model import Device, RevokeReason, Session, User
from alora_core.identity.normalize import (
    IdentifierKind,
    detect_identifier,
    normalize_email,
    normalize_username,
)
from alora_core.identity.ports import IdentityUnitOfWork
from alora_core.identity.queries import LoginResult, Principal
from alora_core.identity.use_cases.common import IdentityDeps, new_refresh_token, token_hash
from alora_core.identity.use_cases.throttle import (
    ip_budget,
    password_budget,
    refuse_when_spent,
    spend,
)
from alora_core.shared.errors import Conflict, NotFound, Unauthenticated
from alora_core.shared.text import has_control_characters

MAX_IDENTIFIER_LENGTH = 254
SESSION_ATTEMPTS = 3
TOO_MANY_SIGN_INS = "too many failed sign-ins; try again later"


async def login(cmd: Login, uow: IdentityUnitOfWork, deps: IdentityDeps) -> LoginResult:
    identifier = cmd.identifier.strip()[:MAX_IDENTIFIER_LENGTH]
    by_ip = [ip_budget(deps, cmd.ip)] if cmd.ip else []
    await refuse_when_spent(deps, by_ip, TOO_MANY_SIGN_INS)
    async with uow.reading():
        user = await find_by_identifier(uow, deps, identifier)
    by_account = password_budget(deps, user, identifier)
    await refuse_when_spent(deps, [by_account], TOO_MANY_SIGN_INS)

    if user is None:
        await deps.hasher.verify_dummy(cmd.password)
        verified = False
    else:
        verified = await deps.hasher.verify(user.password_hash, cmd.password)
    if user is None or not verified:
        await spend(deps, [*by_ip, by_account])
        raise InvalidCredentials("the identifier or the password is wrong")

    user.ensure_can_sign_in(deps.config.require_verified_email)
    await deps.limiter.reset(by_account.key)
    result = await _open_session(uow, deps, user, cmd)
    if deps.hasher.needs_rehash(user.password_hash):
        await _rehash(uow, deps, user, cmd.password)
    return result


async def find_by_identifier(
    uow: IdentityUnitOfWork, deps: IdentityDeps, identifier: str
) -> User | None:
    """Look where the identifier's shape points first, then across email, username and phone."""
    if has_control_characters(identifier):
        return None
    kind = detect_identifier(identifier)
    phone = deps.phones.to_e164(identifier) if kind is IdentifierKind.PHONE else None
    if kind is IdentifierKind.EMAIL:
        user = await uow.users.find_by_email(normalize_email(identifier))
    elif phone is not None:
        user = await uow.users.find_by_phone(phone)
    else:
        user = await uow.users.find_by_username(normalize_username(identifier))
    if user is None:
        user = await uow.users.find_by_any(identifier.lower())
    return user


async def _open_session(
    uow: IdentityUnitOfWork, deps: IdentityDeps, user: User, cmd: Login
) -> LoginResult:
    """Start a session, retiring the oldest beyond the limit.

    Logins of one user queue on the user's row lock, so the limit and the check for a new
    device hold under concurrency; the row is not versioned here, so they never conflict. A
    refresh racing on a retired session can, and the login then simply tries again.
    """
    for attempt in range(SESSION_ATTEMPTS):
        now = deps.clock.now()
        refresh_token = new_refresh_token()
        session = Session(
            user_id=user.id,
            token_hash=token_hash(refresh_token),
            created_at=now,
            expires_at=now + deps.config.refresh_lifetime,
            last_used_at=now,
            user_agent=cmd.user_agent,
            ip=cmd.ip,
        )
        try:
            async with uow:
                current = await uow.users.get_for_update(user.id)
                if current is None:
                    raise InvalidCredentials("the identifier or the password is wrong")
                current.ensure_can_sign_in(deps.config.require_verified_email)
                active = await uow.sessions.active_for_user(user.id, now)
                for oldest in active[: max(0, len(active) - deps.config.max_sessions + 1)]:
                    oldest.revoke(RevokeReason.SESSION_LIMIT, now)
                await uow.sessions.add(session)
                await uow.sessions.remember_token(session)
                await uow.users.record_login(user.id, now)
                await _remember_device(uow, current, cmd, now)
                await uow.commit()
        except Conflict:
            if attempt == SESSION_ATTEMPTS - 1:
                raise
            continue
        current.last_login_at = now
        return LoginResult(
            access_token=deps.tokens.issue(current.id, current.role, session.id, now),
            refresh_token=refresh_token,
            expires_in=deps.tokens.lifetime_seconds,
            session_id=session.id,
            user=current,
        )
    raise AssertionError("unreachable")


async def _remember_device(uow: IdentityUnitOfWork, user: User, cmd: Login, now: datetime) -> None:
    """Note the device signed in from; a new one is news unless it is the account's first."""
    device = Device.of(cmd.user_agent)
    if await uow.devices.remember(user.id, device, cmd.ip, now) and (
        await uow.devices.count(user.id) > 1
    ):
        user.signed_in_from_new_device(device, cmd.ip, now)


async def _rehash(uow: IdentityUnitOfWork, deps: IdentityDeps, user: User, password: str) -> None:
    """Upgrade the stored hash to the current parameters; a concurrent change wins."""
    new_hash = await deps.hasher.hash(password)
    try:
        async with uow:
            current = await uow.users.get(user.id)
            if current is not None and current.password_hash == user.password_hash:
                current.change_password_hash(new_hash, deps.clock.now())
                await uow.commit()
    except Conflict:
        pass


async def refresh_session(
    cmd: RefreshSession, uow: IdentityUnitOfWork, deps: IdentityDeps
) -> LoginResult:
    presented = token_hash(cmd.refresh_token)
    new_token = new_refresh_token()
    now = deps.clock.now()
    async with uow:
        session = await uow.sessions.find_by_token_hash(presented)
        if session is None:
            raise Unauthenticated("the refresh token is not valid")
        session.rotate(presented, token_hash(new_token), now)
        if session.revoked_at is not None:
            with suppress(Conflict):  # a concurrent replay revoked it first: same outcome
                await uow.commit()
            raise Unauthenticated("this refresh token was already used; the session is revoked")
        user = await uow.users.get(session.user_id)
        if user is None or user.suspended:
            raise Unauthenticated("the session has ended; sign in again")
        if cmd.user_agent:
            session.user_agent = cmd.user_agent
        if cmd.ip:
            session.ip = cmd.ip
        await uow.sessions.remember_token(session)
        try:
            await uow.commit()
        except Conflict:
            raise Unauthenticated("this refresh token was already used") from None
    return LoginResult(
        access_token=deps.tokens.issue(user.id, user.role, session.id, now),
        refresh_token=new_token,
        expires_in=deps.tokens.lifetime_seconds,
        session_id=session.id,
        user=user,
    )


async def authenticate(cmd: Authenticate, uow: IdentityUnitOfWork, deps: IdentityDeps) -> Principal:
    """Who sends this access token; its session must still be active, its user not suspended.

    The signed-in cache answers most requests; it forgets a user as soon as a commit changes
    their account or sessions (``signed_in.forget_changed``), so a revocation takes effect on
    the next request.
    """
    now = deps.clock.now()
    claims = deps.tokens.verify(cmd.access_token, now)
    lookup = await deps.signed_in.get(claims.user_id, claims.session_id)
    signed_in = lookup.found
    if signed_in is None or now >= signed_in.session_expires_at:
        async with uow.reading():
            signed_in = await uow.users.signed_in(claims.session_id, now)
        if signed_in is not None:
            await deps.signed_in.put(lookup, signed_in)
    if signed_in is None or signed_in.user.id != claims.user_id or signed_in.user.suspended:
        raise Unauthenticated("the session has ended; sign in again")
    return Principal(user=signed_in.user, session_id=claims.session_id)


async def logout(cmd: Logout, uow: IdentityUnitOfWork, deps: IdentityDeps) -> None:
    if cmd.actor.session_id is None:
        return
    async with uow:
        session = await uow.sessions.get(cmd.actor.session_id)
        if session is not None and session.user_id == cmd.actor.user_id:
            session.revoke(RevokeReason.LOGOUT, deps.clock.now())
            await uow.commit()


async def list_my_sessions(
    cmd: ListMySessions, uow: IdentityUnitOfWork, deps: IdentityDeps
) -> list[Session]:
    async with uow.reading():
        sessions = await uow.sessions.active_for_user(cmd.actor.require_user_id(), deps.clock.now())
    return sorted(sessions, key=lambda s: s.created_at, reverse=True)


async def revoke_my_session(
    cmd: RevokeMySession, uow: IdentityUnitOfWork, deps: IdentityDeps
) -> None:
    now = deps.clock.now()
    async with uow:
        session = await uow.sessions.get(cmd.session_id)
        if session is None or session.user_id != cmd.actor.user_id or not session.is_active(now):
            raise NotFound("no such session")
        session.revoke(RevokeReason.USER, now)
        await uow.commit()


async def revoke_all_sessions(
    uow: IdentityUnitOfWork, deps: IdentityDeps, user: User, reason: RevokeReason
) -> None:
    now = deps.clock.now()
    for session in await uow.sessions.active_for_user(user.id, now):
        session.revoke(reason, now)
