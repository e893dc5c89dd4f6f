"""The public directory of professionals: the read side of the profiles, joined with their users.

Lists select straight into ``DirectoryEntry`` rows (one query per page), bypassing aggregates.
Listed are users with the professional role and a profile. Who may see whom follows identity's
rule for public profiles: a professional themselves and administrators see everything; anyone
else sees professionals who are not suspended and whose ``profile_visibility`` is ``public``
(or ``registered``, to signed-in viewers).
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Protocol

from attrs import frozen

from alora_core.booking.professionals.model import PersonName, ServiceArea
from alora_core.shared.actor import Actor
from alora_core.shared.money import Money
from alora_core.shared.pagination import Page, PageRequest


class Sort(enum.StrEnum):
    RATING = "rating"
    """Best average rating first; professionals without reviews last."""
    RATE = "rate"
    """Lowest hourly rate first; professionals without a rate last."""
    NEWEST = "newest"
    """Most recently created profile first."""


@frozen(kw_only=True)
class Viewer:
    """Who is looking at the directory."""

    user_id: uuid.UUID | None = None
    """None: not signed in."""
    is_admin: bool = False

    @classmethod
    def of(cls, actor: Actor) -> Viewer:
        return cls(user_id=actor.user_id, is_admin=actor.is_admin)

    @property
    def visibilities(self) -> tuple[str, ...]:
        """The ``profile_visibility`` values of the profiles this viewer may see (besides their
        own, and all of them for administrators)."""
        return ("public",) if self.user_id is None else ("public", "registered")

    def sees_all_of(self, professional_id: uuid.UUID) -> bool:
        """Whether the viewer sees this professional whatever the settings: it is them, or the
        viewer is an administrator."""
        return self.is_admin or self.user_id == professional_id


@frozen(kw_only=True)
class DirectoryFilter:
    category: str | None = None
    """A category label, normalized."""
    service_id: uuid.UUID | None = None
    area: str | None = None
    """A city or a postal code, folded (``searchable``)."""
    min_rating: float | None = None
    max_rate: int | None = None
    """Minor units of the rate currency."""
    text: str | None = None
    """Folded; matched as a substring of the name, username, bio and skills."""
    sort: Sort = Sort.RATING


@frozen(kw_only=True)
class DirectoryEntry:
    """A professional as the directory reads them: the profile and its user, contact details
    included (``contact`` decides whom they are shown to)."""

    id: uuid.UUID
    name: PersonName
    avatar_file_id: uuid.UUID | None
    bio: str
    categories: list[str]
    service_ids: list[uuid.UUID]
    skills: list[str]
    hourly_rate: Money | None
    service_area: ServiceArea
    timezone: str
    gallery_file_ids: list[uuid.UUID]
    review_count: int
    rating_total: int
    created_at: datetime
    email: str | None
    phone: str | None
    show_email: bool
    show_phone: bool

    @property
    def average_rating(self) -> float | None:
        """The mean rating, None while there are no reviews."""
        return self.rating_total / self.review_count if self.review_count else None


class Directory(Protocol):
    async def page(
        self, where: DirectoryFilter, viewer: Viewer, page: PageRequest
    ) -> Page[DirectoryEntry]:
        """The professionals with a profile that ``viewer`` may see and ``where`` accepts, in
        ``where.sort`` order (ties: newest id first)."""
        ...

    async def get(self, professional_id: uuid.UUID, viewer: Viewer) -> DirectoryEntry | None:
        """The professional, when they have a profile and ``viewer`` may see them."""
        ...

    async def name_of(self, user_id: uuid.UUID) -> PersonName | None:
        """The user's name, None when there is no such user."""
        ...
