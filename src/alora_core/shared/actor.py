"""Who acts in a command: a signed-in user, someone not signed in, or the system itself.

Entry points build the ``Actor`` once (the HTTP layer from the authenticated caller, scheduled
jobs with ``Actor.system()``) and every command that depends on who asks carries it. Roles are
the closed set identity gives its users; the shared kernel holds them so every context can ask
"is this an administrator?" without depending on identity.
"""

from __future__ import annotations

import enum
import uuid

from attrs import frozen

from alora_core.shared.errors import Unauthenticated


class Role(enum.StrEnum):
    CUSTOMER = "customer"
    PROFESSIONAL = "professional"
    ADMIN = "admin"


@frozen(kw_only=True)
class Actor:
    user_id: uuid.UUID | None
    """None for the system and for someone not signed in."""
    role: Role | None
    """The user's role; None exactly when there is no user."""
    email_verified: bool = False
    session_id: uuid.UUID | None = None
    """The session the user signed in with; None outside a request (a seed, a test)."""
    is_system: bool = False
    """A scheduled job or an automatic transition, not a person."""

    def __attrs_post_init__(self) -> None:
        if (self.user_id is None) != (self.role is None):
            raise ValueError("an actor has a role exactly when it is a user")
        if self.is_system and self.user_id is not None:
            raise ValueError("the system acts as no user")

    @classmethod
    def system(cls) -> Actor:
        return cls(user_id=None, role=None, is_system=True)

    @classmethod
    def anonymous(cls) -> Actor:
        return cls(user_id=None, role=None)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_signed_in(self) -> bool:
        return self.user_id is not None

    def require_user_id(self) -> uuid.UUID:
        """The acting user's id; ``Unauthenticated`` when no user acts."""
        if self.user_id is None:
            raise Unauthenticated("sign in first")
        return self.user_id
