"""Housekeeping run on a schedule: deleting one-time codes and sessions that serve no more.

Both are bulk deletes that touch only rows nothing can use any more, so running them twice,
or twice at once, deletes each row once and changes nothing else.
"""

from __future__ import annotations

from alora_core.identity.commands import PurgeEndedSessions, PurgeExpiredCodes
from alora_core.identity.ports import IdentityUnitOfWork
from alora_core.identity.use_cases.common import IdentityDeps
from alora_core.shared.errors import Invalid


async def purge_expired_codes(
    cmd: PurgeExpiredCodes, uow: IdentityUnitOfWork, deps: IdentityDeps
) -> int:
    """Delete the codes that have expired and those used up; return how many were deleted.

    A used-up code is kept until the resend cooldown since its issue has passed: the cooldown
    is measured from the latest code, so deleting it earlier would let a new one be asked for
    at once.
    """
    now = deps.clock.now()
    async with uow:
        deleted = await uow.codes.delete_spent(
            now, used_up_before=now - deps.config.code_resend_cooldown
        )
        await uow.commit()
    return deleted


async def purge_ended_sessions(
    cmd: PurgeEndedSessions, uow: IdentityUnitOfWork, deps: IdentityDeps
) -> int:
    """Delete sessions (with their refresh tokens) that ended more than ``cmd.keep_ended`` ago.

    A session ends when it expires or is revoked. Ended sessions are kept a while (a day by
    default) for two readers: a refresh token replayed shortly after its session was revoked
    is still answered "this session has ended" rather than "unknown token", and the daily
    activity report, made early the next day, still counts the sessions opened the day before
    as logins. Returns how many sessions were deleted.
    """
    if cmd.keep_ended.total_seconds() < 0:
        raise Invalid.field("keep_ended", "must not be negative")
    async with uow:
        deleted = await uow.sessions.delete_ended(deps.clock.now() - cmd.keep_ended)
        await uow.commit()
    return deleted
