"""The demo accounts as the seeds act as them."""

from __future__ import annotations

import uuid

from alora_core.shared.actor import Actor, Role

ADMIN = "admin"
"""The demo administrator's username."""


def acting(user_id: uuid.UUID, role: Role) -> Actor:
    """A demo user acting; every demo account is verified."""
    return Actor(user_id=user_id, role=role, email_verified=True)
