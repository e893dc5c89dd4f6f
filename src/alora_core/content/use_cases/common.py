"""What every content use case shares: its dependencies, the admin check, the audit log and the
per-address limit."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from attrs import field, frozen

from alora_core.content.ports import ContentUnitOfWork
from alora_core.shared.actor import Actor
from alora_core.shared.audit import AuditEntry
from alora_core.shared.clock import Clock
from alora_core.shared.errors import Forbidden, RateLimited
from alora_core.shared.ratelimit import Limit, RateLimiter


@frozen(kw_only=True)
class ContentConfig:
    feedback_limit: Limit = field(factory=lambda: Limit(5, timedelta(hours=1)))
    """Feedback one client address may send per window."""
    contact_limit: Limit = field(factory=lambda: Limit(5, timedelta(hours=1)))
    """Contact messages one client address may send per window."""


@frozen(kw_only=True)
class ContentDeps:
    clock: Clock
    limiter: RateLimiter
    config: ContentConfig = field(factory=ContentConfig)


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden("only administrators may do this")


async def audit(
    uow: ContentUnitOfWork,
    deps: ContentDeps,
    actor: Actor,
    action: str,
    target: tuple[str, uuid.UUID],
    **details: Any,
) -> None:
    await uow.audit_log.add(
        AuditEntry(
            actor_id=actor.require_user_id(),
            action=action,
            target_type=target[0],
            target_id=str(target[1]),
            occurred_at=deps.clock.now(),
            details=details,
        )
    )


async def within_limit(deps: ContentDeps, key: str, limit: Limit, what: str) -> None:
    """Count one submission from a client address; ``RateLimited`` when it is one too many."""
    wait = await deps.limiter.hit(key, limit)
    if wait is not None:
        raise RateLimited(f"too many {what} from your address; try again later", wait)
