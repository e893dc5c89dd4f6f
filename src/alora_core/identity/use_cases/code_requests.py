"""The job of a request for an emailed code (``codes.request_code``)."""

from __future__ import annotations

from alora_core.identity.events import CodeRequested
from alora_core.identity.model import Purpose
from alora_core.identity.ports import IdentityUnitOfWork
from alora_core.identity.use_cases.common import IdentityDeps
from alora_core.identity.use_cases.registration import issue_code_unless_cooling_down


async def issue_requested_code(
    event: CodeRequested, uow: IdentityUnitOfWork, *, deps: IdentityDeps
) -> None:
    """The job of a request: a code for the account at the address when it may have one (not
    suspended; for verification, not yet verified) and none was sent within the cooldown."""
    purpose = Purpose(event.purpose)
    user = await uow.users.find_by_email(event.email)
    if user is None or user.suspended:
        return
    if purpose is Purpose.VERIFY_EMAIL and user.email_verified:
        return
    await issue_code_unless_cooling_down(uow, deps, user, purpose)
