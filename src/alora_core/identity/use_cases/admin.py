"""Administration of users and sessions. Every change writes an audit-log entry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from alora_core.identity.commands import (
    AdminRevokeSession,
    AdminUpdateUser,
    DeleteUser,
    GetUser,
    ListAuditLog,
    ListSessions,
    ListUsers,
    SuspendUser,
    UnsuspendUser,
)
from alora_core.identity.model import Purpose, RevokeReason, Role, Session, User
from alora_core.identity.normalize import normalize_email, normalize_username
from alora_core.identity.ports import IdentityUnitOfWork
from alora_core.identity.use_cases.common import IdentityDeps, load_user, require_admin
from alora_core.identity.use_cases.registration import (
    commit_identifiers,
    ensure_unique,
    full_name_error,
    identifier_error,
)
from alora_core.identity.use_cases.sessions import revoke_all_sessions
from alora_core.shared.actor import Actor
from alora_core.shared.audit import AuditEntry
from alora_core.shared.errors import Conflict, FieldError, Invalid, NotFound
from alora_core.shared.pagination import Page, PageRequest

MAX_REASON_LENGTH = 500


async def list_users(cmd: ListUsers, uow: IdentityUnitOfWork, deps: IdentityDeps) -> Page[User]:
    require_admin(cmd.actor)
    page = PageRequest(cmd.page, cmd.page_size)
    text = (cmd.text or "").strip()[:100] or None
    async with uow.reading():
        return await uow.users.search(page, cmd.role, text)


async def get_user(cmd: GetUser, uow: IdentityUnitOfWork, deps: IdentityDeps) -> User:
    require_admin(cmd.actor)
    async with uow.reading():
        return await load_user(uow, cmd.user_id)


async def admin_update_user(
    cmd: AdminUpdateUser, uow: IdentityUnitOfWork, deps: IdentityDeps
) -> User:
    require_admin(cmd.actor)
    changes = _validate_admin_changes(cmd.changes, deps)
    if cmd.user_id == cmd.actor.user_id:
        if "role" in changes:
            raise Conflict("administrators cannot change their own role", field="role")
        if changes.get("email_verified") is False:
            raise Conflict("administrators cannot unverify their own email", field="email_verified")
    now = deps.clock.now()
    async with uow:
        user = await load_user(uow, cmd.user_id)
        email = changes.get("email") if changes.get("email") != user.email else None
        username = changes.get("username") if changes.get("username") != user.username else None
        looks = {
            f"{name}_skeleton": deps.look_alikes.skeleton(value)
            for name, value in (("email", email), ("username", username))
            if value is not None
        }
        await ensure_unique(
            uow,
            email=email,
            username=username,
            phone=changes.get("phone") if changes.get("phone") != user.phone else None,
            email_skeleton=looks.get("email_skeleton"),
            username_skeleton=looks.get("username_skeleton"),
            renamed=user.id,
        )
        for name, value in (changes | looks).items():
            if name in ("full_name", "username", "email", "phone", *looks):
                setattr(user, name, value)
        if "email_verified" in changes:
            user.email_verified_at = now if changes["email_verified"] else None
            await uow.codes.delete_for(user.id, Purpose.VERIFY_EMAIL)
        if "role" in changes and changes["role"] is not user.role:
            user.change_role(changes["role"], now)
        user.record_changes(sorted(set(changes) - {"role"}), now)
        await _audit(uow, cmd.actor, "user.update", user, now, fields=sorted(changes))
        await commit_identifiers(uow)
    return user


def _validate_admin_changes(changes: Mapping[str, Any], deps: IdentityDeps) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    errors: list[FieldError | None] = []
    for name, value in changes.items():
        if name == "full_name":
            clean[name] = value.strip()
            errors.append(full_name_error(clean[name]))
        elif name == "username":
            clean[name] = normalize_username(value)
            errors.append(identifier_error(deps, name, clean[name]))
        elif name == "email":
            clean[name] = normalize_email(value)
            errors.append(identifier_error(deps, name, clean[name]))
        elif name == "phone":
            clean[name] = deps.phones.to_e164(value) if value else None
            if value and clean[name] is None:
                errors.append(FieldError("phone", "must be a valid phone number", "invalid-phone"))
        elif name == "role":
            try:
                clean[name] = Role(value)
            except ValueError:
                errors.append(FieldError("role", "must be customer, professional or admin"))
        elif name == "email_verified":
            clean[name] = bool(value)
        else:
            errors.append(FieldError(name, "cannot be changed", "read-only"))
    found = [error for error in errors if error is not None]
    if found:
        raise Invalid("the changes have invalid fields", found)
    return clean


async def delete_user(cmd: DeleteUser, uow: IdentityUnitOfWork, deps: IdentityDeps) -> None:
    require_admin(cmd.actor)
    if cmd.user_id == cmd.actor.user_id:
        raise Conflict("administrators cannot delete themselves")
    now = deps.clock.now()
    async with uow:
        user = await load_user(uow, cmd.user_id)
        user.mark_deleted(now)
        await _audit(uow, cmd.actor, "user.delete", user, now, email=user.email)
        await uow.users.delete(user)
        await uow.commit()


async def suspend_user(cmd: SuspendUser, uow: IdentityUnitOfWork, deps: IdentityDeps) -> User:
    require_admin(cmd.actor)
    reason = cmd.reason.strip()
    if len(reason) > MAX_REASON_LENGTH:
        raise Invalid.field("reason", f"must be at most {MAX_REASON_LENGTH} characters")
    if cmd.user_id == cmd.actor.user_id:
        raise Conflict("administrators cannot suspend themselves")
    now = deps.clock.now()
    async with uow:
        user = await load_user(uow, cmd.user_id)
        user.suspend(reason, now)
        await revoke_all_sessions(uow, deps, user, RevokeReason.SUSPENDED)
        await _audit(uow, cmd.actor, "user.suspend", user, now, reason=reason)
        await uow.commit()
    return user


async def unsuspend_user(cmd: UnsuspendUser, uow: IdentityUnitOfWork, deps: IdentityDeps) -> User:
    require_admin(cmd.actor)
    now = deps.clock.now()
    async with uow:
        user = await load_user(uow, cmd.user_id)
        user.unsuspend(now)
        await _audit(uow, cmd.actor, "user.unsuspend", user, now)
        await uow.commit()
    return user


async def list_sessions(
    cmd: ListSessions, uow: IdentityUnitOfWork, deps: IdentityDeps
) -> Page[Session]:
    require_admin(cmd.actor)
    async with uow.reading():
        return await uow.sessions.search(
            PageRequest(cmd.page, cmd.page_size), cmd.user_id, deps.clock.now()
        )


async def admin_revoke_session(
    cmd: AdminRevokeSession, uow: IdentityUnitOfWork, deps: IdentityDeps
) -> None:
    require_admin(cmd.actor)
    now = deps.clock.now()
    async with uow:
        session = await uow.sessions.get(cmd.session_id)
        if session is None or not session.is_active(now):
            raise NotFound("no such active session")
        session.revoke(RevokeReason.ADMIN, now)
        await uow.audit_log.add(
            AuditEntry(
                actor_id=cmd.actor.require_user_id(),
                action="session.revoke",
                target_type="session",
                target_id=str(session.id),
                occurred_at=now,
                details={"user_id": str(session.user_id)},
            )
        )
        await uow.commit()


async def list_audit_log(
    cmd: ListAuditLog, uow: IdentityUnitOfWork, deps: IdentityDeps
) -> Page[AuditEntry]:
    require_admin(cmd.actor)
    async with uow.reading():
        return await uow.audit_log.list(PageRequest(cmd.page, cmd.page_size), action=cmd.action)


async def _audit(
    uow: IdentityUnitOfWork, actor: Actor, action: str, user: User, now: Any, **details: Any
) -> None:
    await uow.audit_log.add(
        AuditEntry(
            actor_id=actor.require_user_id(),
            action=action,
            target_type="user",
            target_id=str(user.id),
            occurred_at=now,
            details=details,
        )
    )
