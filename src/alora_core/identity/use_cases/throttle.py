"""Budgets of failed attempts at a secret: per account, per identifier when none matches, per IP.

A guess spends the budget of the account it was aimed at, however the account was named: the
username in any case, the email or any spelling of the phone number. An identifier that names
no account has a budget of its own under its normalized form, so unknown and known identifiers
run out alike and a 429 tells nothing about which accounts exist.
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from alora_core.identity.model import Purpose, User
from alora_core.identity.normalize import (
    IdentifierKind,
    detect_identifier,
    normalize_email,
    normalize_username,
)
from alora_core.identity.use_cases.common import IdentityDeps
from alora_core.shared.errors import RateLimited
from alora_core.shared.ratelimit import Limit


@frozen
class Budget:
    key: str
    limit: Limit


def password_budget(deps: IdentityDeps, user: User | None, identifier: str) -> Budget:
    """Failed passwords (sign-in and change-password) of one account, or one unknown identifier."""
    owner = f"user:{user.id}" if user is not None else normalized_identifier(deps, identifier)
    return Budget(f"password:{owner}", deps.config.login_failures)


def ip_budget(deps: IdentityDeps, ip: str) -> Budget:
    return Budget(f"login:ip:{ip}", deps.config.login_failures)


def code_budget(deps: IdentityDeps, purpose: Purpose, user: User | None, email: str) -> Budget:
    """Wrong one-time codes of one purpose for one account (or one unknown address) per window,
    however many codes were issued in it."""
    owner = f"user:{user.id}" if user is not None else f"email:{normalize_email(email)}"
    return Budget(f"code:{purpose.value}:{owner}", deps.config.code_failures)


def normalized_identifier(deps: IdentityDeps, identifier: str) -> str:
    """One spelling for all the ways of writing an identifier: case, spaces, phone formats."""
    kind = detect_identifier(identifier)
    if kind is IdentifierKind.EMAIL:
        return f"email:{normalize_email(identifier)}"
    if kind is IdentifierKind.PHONE and (phone := deps.phones.to_e164(identifier)) is not None:
        return f"phone:{phone}"
    return f"name:{normalize_username(identifier)}"


async def refuse_when_spent(deps: IdentityDeps, budgets: Sequence[Budget], detail: str) -> None:
    """429 when any of ``budgets`` is spent; checked before the secret is."""
    for budget in budgets:
        wait = await deps.limiter.retry_after(budget.key, budget.limit)
        if wait is not None:
            raise RateLimited(detail, wait)


async def spend(deps: IdentityDeps, budgets: Sequence[Budget]) -> None:
    """Count one failed attempt against each of ``budgets``."""
    for budget in budgets:
        await deps.limiter.hit(budget.key, budget.limit)
