"""Signing up: registration, admin creation, email verification and its codes."""

from __future__ import annotations

from alora_core.identity import events
from alora_core.identity.commands import CreateAdmin, RegisterUser, ResendVerification, VerifyEmail
from alora_core.identity.model import OneTimeCode, Purpose, Role, User
from alora_core.identity.normalize import (
    email_error,
    normalize_email,
    normalize_username,
    username_error,
)
from alora_core.identity.passwords import password_errors
from alora_core.identity.ports import IdentityUnitOfWork
from alora_core.identity.use_cases.codes import attempt_code, code_budget_of, request_code
from alora_core.identity.use_cases.common import IdentityDeps, code_hash, new_code
from alora_core.shared.errors import Conflict, FieldError, Invalid
from alora_core.shared.text import has_control_characters

SELF_SERVICE_ROLES = {Role.CUSTOMER, Role.PROFESSIONAL}
MAX_NAME_LENGTH = 100


def full_name_error(full_name: str) -> FieldError | None:
    if not 1 <= len(full_name) <= MAX_NAME_LENGTH:
        return FieldError("full_name", f"must be 1 to {MAX_NAME_LENGTH} characters", "length")
    if has_control_characters(full_name):
        return FieldError("full_name", "must not contain control characters", "invalid-text")
    return None


async def register_user(cmd: RegisterUser, uow: IdentityUnitOfWork, deps: IdentityDeps) -> User:
    email = normalize_email(cmd.email)
    username = normalize_username(cmd.username)
    full_name = cmd.full_name.strip()
    phone = deps.phones.to_e164(cmd.phone)
    errors = _account_errors(full_name, username, email, cmd.password)
    if phone is None:
        errors.append(FieldError("phone", "must be a valid phone number", "invalid-phone"))
    if cmd.role not in SELF_SERVICE_ROLES:
        errors.append(FieldError("role", "must be customer or professional", "invalid-role"))
    if errors:
        raise Invalid("the registration has invalid fields", errors)

    user = await _new_user(uow, deps, full_name, username, email, phone, cmd.password, cmd.role)
    user.record(
        events.UserRegistered(
            occurred_at=user.created_at,
            user_id=user.id,
            email=email,
            full_name=full_name,
            role=cmd.role.value,
        )
    )
    async with uow:
        await uow.users.add(user)
        await _issue_code(uow, deps, user, Purpose.VERIFY_EMAIL)
        await uow.commit()
    return user


async def create_admin(cmd: CreateAdmin, uow: IdentityUnitOfWork, deps: IdentityDeps) -> User:
    """Administrators exist only through this command (the CLI); they start verified."""
    email = normalize_email(cmd.email)
    username = normalize_username(cmd.username)
    full_name = cmd.full_name.strip() or username
    errors = _account_errors(full_name, username, email, cmd.password)
    if errors:
        raise Invalid("the administrator has invalid fields", errors)
    user = await _new_user(uow, deps, full_name, username, email, None, cmd.password, Role.ADMIN)
    user.email_verified_at = user.created_at
    async with uow:
        await uow.users.add(user)
        await uow.commit()
    return user


def _account_errors(full_name: str, username: str, email: str, password: str) -> list[FieldError]:
    checks = (full_name_error(full_name), username_error(username), email_error(email))
    return [error for error in checks if error] + password_errors(password, email, username)


async def _new_user(
    uow: IdentityUnitOfWork,
    deps: IdentityDeps,
    full_name: str,
    username: str,
    email: str,
    phone: str | None,
    password: str,
    role: Role,
) -> User:
    """A user not yet stored, after an early uniqueness check; hashing runs outside any txn."""
    async with uow.reading():
        await _ensure_unique(uow, email=email, username=username, phone=phone)
    return User(
        full_name=full_name,
        username=username,
        email=email,
        phone=phone,
        password_hash=await deps.hasher.hash(password),
        role=role,
        created_at=deps.clock.now(),
    )


async def verify_email(cmd: VerifyEmail, uow: IdentityUnitOfWork, deps: IdentityDeps) -> User:
    """An address already verified answers like a wrong code: the answer tells nothing about
    the account (see ``codes``)."""
    email = normalize_email(cmd.email)
    budget = await code_budget_of(uow, deps, Purpose.VERIFY_EMAIL, email)
    async with uow:
        user = await uow.users.find_by_email(email)
        pending = user if user is not None and not user.email_verified else None
        user = await attempt_code(uow, deps, pending, Purpose.VERIFY_EMAIL, cmd.code, budget)
        user.verify_email(deps.clock.now())
        await uow.codes.delete_for(user.id, Purpose.VERIFY_EMAIL)
        await uow.commit()
    return user


async def resend_verification(
    cmd: ResendVerification, uow: IdentityUnitOfWork, deps: IdentityDeps
) -> None:
    """Sends a new code when one is due; the same work and answer either way, so accounts
    cannot be probed."""
    await request_code(uow, deps, cmd.email, Purpose.VERIFY_EMAIL)


async def issue_code_unless_cooling_down(
    uow: IdentityUnitOfWork, deps: IdentityDeps, user: User, purpose: Purpose
) -> bool:
    latest = await uow.codes.latest(user.id, purpose)
    now = deps.clock.now()
    if latest is not None and now - latest.created_at < deps.config.code_resend_cooldown:
        return False
    await uow.codes.delete_for(user.id, purpose)
    await _issue_code(uow, deps, user, purpose)
    return True


async def _issue_code(
    uow: IdentityUnitOfWork, deps: IdentityDeps, user: User, purpose: Purpose
) -> None:
    code = new_code()
    now = deps.clock.now()
    config = deps.config
    await uow.codes.add(
        OneTimeCode.issue(
            user.id,
            purpose,
            code_hash(config, user.id, purpose, code),
            now,
            config.code_lifetime,
            config.code_max_attempts,
        )
    )
    user.record(
        events.CodeIssued(
            occurred_at=now,
            user_id=user.id,
            email=user.email,
            full_name=user.full_name,
            purpose=purpose.value,
            code=code,
            expires_in_minutes=int(config.code_lifetime.total_seconds() // 60),
        )
    )


async def _ensure_unique(
    uow: IdentityUnitOfWork, *, email: str | None, username: str | None, phone: str | None
) -> None:
    """A friendly early 409; the database's unique constraints still decide races."""
    if email and await uow.users.find_by_email(email):
        raise Conflict("an account with this email already exists", field="email")
    if username and await uow.users.find_by_username(username):
        raise Conflict("this username is taken", field="username")
    if phone and await uow.users.find_by_phone(phone):
        raise Conflict("an account with this phone number already exists", field="phone")
