"""Forgotten, reset and changed passwords. Every change signs the user out everywhere."""

from __future__ import annotations

from attrs import evolve

from alora_core.identity import events
from alora_core.identity.commands import ChangePassword, ForgotPassword, ResetPassword
from alora_core.identity.errors import InvalidCredentials
from alora_core.identity.model import Purpose, RevokeReason
from alora_core.identity.normalize import normalize_email
from alora_core.identity.passwords import password_errors
from alora_core.identity.ports import IdentityUnitOfWork
from alora_core.identity.use_cases.codes import attempt_code, code_budget_of, request_code
from alora_core.identity.use_cases.common import IdentityDeps, load_user
from alora_core.identity.use_cases.sessions import revoke_all_sessions
from alora_core.identity.use_cases.throttle import password_budget, refuse_when_spent, spend
from alora_core.shared.errors import Conflict, FieldError, Invalid


async def forgot_password(cmd: ForgotPassword, uow: IdentityUnitOfWork, deps: IdentityDeps) -> None:
    """Emails a reset code when the account exists; the same work and answer either way."""
    await request_code(uow, deps, cmd.email, Purpose.RESET_PASSWORD)


async def reset_password(cmd: ResetPassword, uow: IdentityUnitOfWork, deps: IdentityDeps) -> None:
    """The code is checked before any costly work, and the same way for every address (see
    ``codes``); only the code's holder gets as far as hashing the new password."""
    email = normalize_email(cmd.email)
    errors = password_errors(cmd.new_password, email)
    if errors:
        raise Invalid("the new password is not acceptable", _as_new_password(errors))
    budget = await code_budget_of(uow, deps, Purpose.RESET_PASSWORD, email)
    async with uow:  # a matching attempt is rolled back here and counted when the code is used
        user = await uow.users.find_by_email(email)
        user = await attempt_code(uow, deps, user, Purpose.RESET_PASSWORD, cmd.code, budget)
    errors = password_errors(cmd.new_password, email, user.username)
    if errors:
        raise Invalid("the new password is not acceptable", _as_new_password(errors))
    new_hash = await deps.hasher.hash(cmd.new_password)
    now = deps.clock.now()
    async with uow:
        current = await uow.users.get(user.id)
        current = await attempt_code(uow, deps, current, Purpose.RESET_PASSWORD, cmd.code, budget)
        current.change_password_hash(new_hash, now)
        current.record(events.PasswordChanged(occurred_at=now, user_id=current.id))
        await uow.codes.delete_for(current.id, Purpose.RESET_PASSWORD)
        await revoke_all_sessions(uow, deps, current, RevokeReason.PASSWORD_RESET)
        await uow.commit()


async def change_password(cmd: ChangePassword, uow: IdentityUnitOfWork, deps: IdentityDeps) -> None:
    """Wrong current passwords spend the account's sign-in budget: a stolen access token cannot
    be used to guess the password faster than signing in can."""
    async with uow.reading():
        user = await load_user(uow, cmd.actor.require_user_id())
    budget = password_budget(deps, user, user.email)
    await refuse_when_spent(deps, [budget], "too many wrong passwords; try again later")
    if not await deps.hasher.verify(user.password_hash, cmd.current_password):
        await spend(deps, [budget])
        raise InvalidCredentials("the current password is wrong")
    await deps.limiter.reset(budget.key)
    errors = password_errors(cmd.new_password, user.email, user.username)
    if cmd.new_password == cmd.current_password:
        errors.append(
            FieldError("password", "must differ from the current password", "password-unchanged")
        )
    if errors:
        raise Invalid("the new password is not acceptable", _as_new_password(errors))
    new_hash = await deps.hasher.hash(cmd.new_password)
    now = deps.clock.now()
    async with uow:
        current = await load_user(uow, user.id)
        if current.password_hash != user.password_hash:
            raise Conflict("the password was changed meanwhile; try again")
        current.change_password_hash(new_hash, now)
        current.record(events.PasswordChanged(occurred_at=now, user_id=current.id))
        await revoke_all_sessions(uow, deps, current, RevokeReason.PASSWORD_CHANGED)
        await uow.commit()


def _as_new_password(errors: list[FieldError]) -> list[FieldError]:
    return [evolve(error, field="new_password") for error in errors]
