"""Asking for and checking emailed one-time codes so that no answer tells whether an account
exists.

Asking for a code (forgot-password, resend-verification) records a ``CodeRequested`` event,
whoever the address belongs to, and answers; the job ``issue_requested_code`` issues the code
when the address's account is due one. Both kinds of address cost the request the same.

Checking a code: every way it can fail (wrong, expired, used up, none issued, no such account,
an address already verified) is the same 422 ``code-wrong``, after the same steps: the account's
budget of wrong codes is checked, the code's hash computed and its row read (a row no one has,
for an unknown account), the budget spent and the attempt committed.
"""

from __future__ import annotations

import uuid

from alora_core.identity.events import CodeRequested
from alora_core.identity.model import Purpose, User
from alora_core.identity.normalize import normalize_email
from alora_core.identity.ports import IdentityUnitOfWork
from alora_core.identity.use_cases.common import IdentityDeps, code_hash
from alora_core.identity.use_cases.throttle import (
    Budget,
    code_budget,
    refuse_when_spent,
    spend,
)
from alora_core.shared.errors import Invalid

NO_ONE = uuid.UUID(int=0)
TOO_MANY_WRONG_CODES = "too many wrong codes; try again later"


async def request_code(
    uow: IdentityUnitOfWork, deps: IdentityDeps, email: str, purpose: Purpose
) -> None:
    """Record the request, whoever the address belongs to; ``issue_requested_code`` follows."""
    event = CodeRequested(
        occurred_at=deps.clock.now(), email=normalize_email(email), purpose=purpose.value
    )
    async with uow:
        uow.record_events([event])
        await uow.commit()


def wrong_code() -> Invalid:
    return Invalid.field(
        "code",
        "the code is wrong, has expired or was used up; request a new one if needed",
        "code-wrong",
    )


async def code_budget_of(
    uow: IdentityUnitOfWork, deps: IdentityDeps, purpose: Purpose, email: str
) -> Budget:
    """The budget of wrong codes for the account at ``email``; 429 when it is spent."""
    async with uow.reading():
        user = await uow.users.find_by_email(email)
    budget = code_budget(deps, purpose, user, email)
    await refuse_when_spent(deps, [budget], TOO_MANY_WRONG_CODES)
    return budget


async def attempt_code(
    uow: IdentityUnitOfWork,
    deps: IdentityDeps,
    user: User | None,
    purpose: Purpose,
    code: str,
    budget: Budget,
) -> User:
    """Count one attempt at ``user``'s current code, inside the caller's unit of work.

    ``user`` is None when there is no account to check against; the attempt then fails the
    same way. A failed attempt spends ``budget``, is committed and raises ``wrong_code()``; a
    matching one returns ``user``, its attempt left for the caller to commit with what it does.
    """
    now = deps.clock.now()
    owner = user.id if user is not None else NO_ONE
    presented = code_hash(deps.config, owner, purpose, code)
    stored = await uow.codes.latest(owner, purpose)
    if user is not None and stored is not None and stored.attempt(presented, now):
        return user
    await spend(deps, [budget])
    await uow.commit()  # Conflict when a concurrent attempt counted first: 409, try again
    raise wrong_code()
