"""``PresenceResponse``: a user's presence as messaging's lists show it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from msgspec import Meta

from alora_core.shared.presence import PresenceState
from entrypoints.http.schemas import ResponseSchema


class PresenceResponse(ResponseSchema):
    online: bool
    last_seen: Annotated[
        datetime | None,
        Meta(description="When the user was last online; null while online or never seen."),
    ]

    @classmethod
    def of(cls, state: PresenceState | None) -> PresenceResponse:
        """A hidden presence (``None``) shows as offline, never as last seen."""
        if state is None:
            return cls(online=False, last_seen=None)
        last_seen = state.last_seen.astimezone(UTC) if state.last_seen else None
        return cls(online=state.online, last_seen=last_seen)
