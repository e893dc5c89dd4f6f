"""Professional profiles, the directory and gallery files in memory, through a
``MemoryUnitOfWork``.

Mirrors ``adapters.sqlalchemy.booking.professionals``: the same visibility rule, filters and
orders. Like the SQL mapping, saving a profile never overwrites its review counters: they are
the reviews part's, changed by relative updates that may land between our read and our commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from attrs import evolve

from alora_core.booking.professionals.model import PersonName, ProfessionalProfile
from alora_core.booking.professionals.queries import (
    DirectoryEntry,
    DirectoryFilter,
    Sort,
    Viewer,
)
from alora_core.identity.model import Role, User
from alora_core.shared.errors import Conflict
from alora_core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork

TABLE = "professional_profiles"


class MemoryProfessionals:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, profile: ProfessionalProfile) -> None:
        rows = self._uow.store.rows("professional_profiles")

        def check_key() -> None:  # a primary key: the user has one profile
            if profile.id in rows:
                raise Conflict("the record already exists")

        self._uow.add(TABLE, profile)
        self._uow.before_commit(check_key)

    async def get(self, professional_id: uuid.UUID) -> ProfessionalProfile | None:
        profile: ProfessionalProfile | None = self._uow.load(TABLE, professional_id)
        if profile is not None:
            self._uow.before_commit(self._keep_counters(profile))
        return profile

    def _keep_counters(self, profile: ProfessionalProfile) -> Callable[[], None]:
        """When the profile is written back, it carries the counters the store has then."""
        rows = self._uow.store.rows("professional_profiles")

        def keep() -> None:
            stored = rows.get(profile.id)
            if stored is None:
                return
            counters = {"review_count": stored.review_count, "rating_total": stored.rating_total}
            if evolve(profile, **counters) != stored:  # it is written back: it changed
                profile.review_count = stored.review_count
                profile.rating_total = stored.rating_total

        return keep


class MemoryProfessionalDirectory:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def page(
        self, where: DirectoryFilter, viewer: Viewer, page: PageRequest
    ) -> Page[DirectoryEntry]:
        entries = [
            _entry(profile, user)
            for profile in self._uow.scan(TABLE, lambda profile: _matches(profile, where))
            if (user := self._user(profile.id)) is not None and _visible(user, viewer)
        ]
        entries.sort(key=_ORDER[where.sort])
        return Page(
            items=entries[page.offset : page.offset + page.page_size],
            total=len(entries),
            page=page.page,
            page_size=page.page_size,
        )

    async def get(self, professional_id: uuid.UUID, viewer: Viewer) -> DirectoryEntry | None:
        profile: ProfessionalProfile | None = self._uow.load(TABLE, professional_id)
        user = self._user(professional_id)
        if profile is None or user is None or not _visible(user, viewer):
            return None
        return _entry(profile, user)

    async def name_of(self, user_id: uuid.UUID) -> PersonName | None:
        user = self._user(user_id)
        return None if user is None else PersonName(user.full_name, user.username)

    def _user(self, user_id: uuid.UUID) -> User | None:
        user: User | None = self._uow.load("users", user_id)
        return user


def _visible(user: User, viewer: Viewer) -> bool:
    if user.role is not Role.PROFESSIONAL:
        return False
    if viewer.sees_all_of(user.id):
        return True
    visibility = user.settings.profile_visibility.value
    return user.suspended_at is None and visibility in viewer.visibilities


def _matches(profile: ProfessionalProfile, where: DirectoryFilter) -> bool:
    rate = profile.hourly_rate
    return (
        (where.category is None or where.category in profile.categories)
        and (where.service_id is None or where.service_id in profile.service_ids)
        and (where.area is None or where.area in profile.area_keys)
        and (
            where.min_rating is None
            or (
                profile.review_count > 0
                and profile.rating_total >= where.min_rating * profile.review_count
            )
        )
        and (where.max_rate is None or (rate is not None and rate.amount <= where.max_rate))
        and (where.text is None or where.text in profile.search_text)
    )


def _entry(profile: ProfessionalProfile, user: User) -> DirectoryEntry:
    return DirectoryEntry(
        id=profile.id,
        name=PersonName(user.full_name, user.username),
        avatar_file_id=user.avatar_file_id,
        bio=profile.bio,
        categories=list(profile.categories),
        service_ids=list(profile.service_ids),
        skills=list(profile.skills),
        hourly_rate=profile.hourly_rate,
        service_area=profile.service_area,
        timezone=profile.timezone,
        gallery_file_ids=list(profile.gallery_file_ids),
        review_count=profile.review_count,
        rating_total=profile.rating_total,
        created_at=profile.created_at,
        email=user.email,
        phone=user.phone,
        show_email=user.settings.show_email,
        show_phone=user.settings.show_phone,
    )


def _newest_id_first(entry: DirectoryEntry) -> int:
    return -entry.id.int


def _by_rating(entry: DirectoryEntry) -> tuple[Any, ...]:
    average = entry.average_rating
    return (average is None, -(average or 0), -entry.review_count, _newest_id_first(entry))


def _by_rate(entry: DirectoryEntry) -> tuple[Any, ...]:
    rate = entry.hourly_rate
    return (rate is None, rate.amount if rate else 0, _newest_id_first(entry))


def _by_newest(entry: DirectoryEntry) -> tuple[Any, ...]:
    return (-entry.created_at.timestamp(), _newest_id_first(entry))


_ORDER: dict[Sort, Callable[[DirectoryEntry], tuple[Any, ...]]] = {
    Sort.RATING: _by_rating,
    Sort.RATE: _by_rate,
    Sort.NEWEST: _by_newest,
}
