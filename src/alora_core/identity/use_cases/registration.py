"""Signing up: registration, admin creation, email verification and its codes."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from alora_core.identity import events
from alora_core.identity.commands import CreateAdmin, RegisterUser, ResendVerification, VerifyEmail
from alora_core.identity.model import OneTimeCode, Purpose, Role, User
from alora_core.identity.normalize import (
    email_error,
    email_local_part,
    mixed_script_error,
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
    errors = _account_errors(deps, full_name, username, email, cmd.password)
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
        await commit_identifiers(uow)
    return user


async def create_admin(cmd: CreateAdmin, uow: IdentityUnitOfWork, deps: IdentityDeps) -> User:
    """Administrators exist only through this command (the CLI); they start verified."""
    email = normalize_email(cmd.email)
    username = normalize_username(cmd.username)
    full_name = cmd.full_name.strip() or username
    errors = _account_errors(deps, full_name, username, email, cmd.password)
    if errors:
        raise Invalid("the administrator has invalid fields", errors)
    user = await _new_user(uow, deps, full_name, username, email, None, cmd.password, Role.ADMIN)
    user.email_verified_at = user.created_at
    async with uow:
        await uow.users.add(user)
        await commit_identifiers(uow)
    return user


def _account_errors(
    deps: IdentityDeps, full_name: str, username: str, email: str, password: str
) -> list[FieldError]:
    checks = (
        full_name_error(full_name),
        identifier_error(deps, "username", username),
        identifier_error(deps, "email", email),
    )
    return [error for error in checks if error] + password_errors(password, email, username)


def identifier_error(deps: IdentityDeps, field: str, value: str) -> FieldError | None:
    """What is wrong with a normalized username or email: mixed scripts in the username or
    the email's local part (a look-alike of another name), else its shape."""
    if field == "username":
        if deps.look_alikes.mixes_scripts(value):
            return mixed_script_error(field)
        return username_error(value)
    error = email_error(value)
    if error is None and deps.look_alikes.mixes_scripts(email_local_part(value)):
        return mixed_script_error(field)
    return error


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
    email_skeleton = deps.look_alikes.skeleton(email)
    username_skeleton = deps.look_alikes.skeleton(username)
    async with uow.reading():
        await ensure_unique(
            uow,
            email=email,
            username=username,
            phone=phone,
            email_skeleton=email_skeleton,
            username_skeleton=username_skeleton,
        )
    return User(
        full_name=full_name,
        username=username,
        email=email,
        phone=phone,
        password_hash=await deps.hasher.hash(password),
        role=role,
        created_at=deps.clock.now(),
        email_skeleton=email_skeleton,
        username_skeleton=username_skeleton,
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


async def ensure_unique(
    uow: IdentityUnitOfWork,
    *,
    email: str | None,
    username: str | None,
    phone: str | None,
    email_skeleton: str | None = None,
    username_skeleton: str | None = None,
    renamed: uuid.UUID | None = None,
) -> None:
    """A friendly early 409; the database's unique constraints still decide races. An
    identifier that only looks like a registered one is taken like the same one (except by
    the ``renamed`` user themself)."""
    users = uow.users

    async def taken(find: Callable[[str], Awaitable[User | None]], value: str | None) -> bool:
        found = await find(value) if value else None
        return found is not None and found.id != renamed

    if await taken(users.find_by_email, email) or await taken(
        users.find_by_email_skeleton, email_skeleton
    ):
        raise Conflict("an account with this email already exists", field="email")
    if await taken(users.find_by_username, username) or await taken(
        users.find_by_username_skeleton, username_skeleton
    ):
        raise Conflict("this username is taken", field="username")
    if await taken(users.find_by_phone, phone):
        raise Conflict("an account with this phone number already exists", field="phone")


async def commit_identifiers(uow: IdentityUnitOfWork) -> None:
    """Commit a user's new identifiers. A look-alike that won a race against the early check
    loses on its skeleton's unique column, told as the identifier's own: "email is already in
    use", not the column's name."""
    try:
        await uow.commit()
    except Conflict as conflict:
        field = conflict.field or ""
        if not field.endswith("_skeleton"):
            raise
        identifier = field.removesuffix("_skeleton")
        raise Conflict(f"{identifier} is already in use", field=identifier) from None
