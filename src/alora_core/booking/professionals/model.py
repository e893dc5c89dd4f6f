"""The professional profile: what a professional offers, where, for how much, and when.

The profile's id is its user's id: one profile per professional. Its review counters
(``review_count``, ``rating_total``) belong to the reviews part, which changes them with atomic
relative updates in the transaction of each review; nothing here ever writes them.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterable
from datetime import date, datetime

from attrs import define, evolve, field, frozen

from alora_core.booking.professionals import events
from alora_core.booking.professionals.availability import (
    BookingRules,
    DateException,
    DayHours,
    Schedule,
)
from alora_core.shared.errors import Conflict
from alora_core.shared.events import EventRecorder
from alora_core.shared.money import Money

MAX_EXCEPTIONS = 366
"""Date exceptions kept per professional (today's and later ones)."""


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@frozen
class PersonName:
    """Who the professional is, as identity knows them: searched along with the profile."""

    full_name: str
    username: str


@frozen(kw_only=True)
class ServiceArea:
    """Where the professional works: any of these cities or postal codes."""

    cities: tuple[str, ...] = field(default=(), converter=_strings)
    postal_codes: tuple[str, ...] = field(default=(), converter=_strings)


@frozen(kw_only=True)
class Offer:
    """Everything ``PUT /professionals/me/profile`` sets, already checked."""

    categories: tuple[str, ...] = ()
    service_ids: tuple[uuid.UUID, ...] = ()
    skills: tuple[str, ...] = ()
    bio: str = ""
    hourly_rate: Money | None = None
    service_area: ServiceArea = ServiceArea()
    gallery_file_ids: tuple[uuid.UUID, ...] = ()


def searchable(text: str) -> str:
    """``text`` folded for case- and accent-insensitive matching: ``"Électricité  Générale"``
    -> ``"electricite generale"`` (case folded, accents dropped, whitespace runs as one space)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.split())


def search_text_of(name: PersonName, bio: str, skills: Iterable[str]) -> str:
    """The text ``q`` searches, folded (``searchable``), one field per line: a needle, being
    folded, holds no line break, so it never matches across two fields."""
    fields = (name.full_name, name.username, bio, *skills)
    return "\n".join(searchable(text) for text in fields)


def area_keys_of(area: ServiceArea) -> list[str]:
    """What the ``city`` filter matches, folded: each city and each postal code."""
    return list(dict.fromkeys(searchable(key) for key in (*area.cities, *area.postal_codes)))


def _overlap(one: DateException, other: DateException) -> bool:
    if one.day != other.day or one.kind is not other.kind:
        return False
    if not one.ranges or not other.ranges:  # a whole day off
        return True
    return any(a.start < b.end and b.start < a.end for a in one.ranges for b in other.ranges)


@define(slots=False, kw_only=True)
class ProfessionalProfile(EventRecorder):
    id: uuid.UUID
    """The professional's user id."""
    created_at: datetime
    updated_at: datetime
    categories: list[str] = field(factory=list)
    service_ids: list[uuid.UUID] = field(factory=list)
    skills: list[str] = field(factory=list)
    bio: str = ""
    hourly_rate: Money | None = None
    gallery_file_ids: list[uuid.UUID] = field(factory=list)
    service_area: ServiceArea = field(factory=ServiceArea)
    schedule: Schedule = field(factory=Schedule)
    """Working hours, date exceptions, booking rules and the time zone they are read in."""
    review_count: int = 0
    rating_total: int = 0
    """The sum of the ratings of the ``review_count`` reviews."""
    search_text: str = ""
    """The professional's name, bio and skills folded for substring search (``search_text_of``)."""
    area_keys: list[str] = field(factory=list)
    """The cities (folded) and postal codes of the service area, for the ``city`` filter."""
    version: int = 1

    @classmethod
    def create(
        cls,
        *,
        professional_id: uuid.UUID,
        offer: Offer,
        timezone: str,
        name: PersonName,
        now: datetime,
    ) -> ProfessionalProfile:
        profile = cls(
            id=professional_id,
            created_at=now,
            updated_at=now,
            schedule=Schedule(timezone=timezone),
        )
        profile._apply(offer, name)
        profile.record(events.ProfileUpdated(occurred_at=now, professional_id=profile.id))
        return profile

    @property
    def timezone(self) -> str:
        return self.schedule.timezone

    @property
    def average_rating(self) -> float | None:
        """The mean rating, None while there are no reviews."""
        return self.rating_total / self.review_count if self.review_count else None

    def offer(self) -> Offer:
        return Offer(
            categories=tuple(self.categories),
            service_ids=tuple(self.service_ids),
            skills=tuple(self.skills),
            bio=self.bio,
            hourly_rate=self.hourly_rate,
            service_area=self.service_area,
            gallery_file_ids=tuple(self.gallery_file_ids),
        )

    def update_offer(self, offer: Offer, *, timezone: str, name: PersonName, now: datetime) -> bool:
        """Replace the offer (and the time zone); False, and no event, when nothing changed."""
        self.rename(name)
        if offer == self.offer() and timezone == self.timezone:
            return False
        zone_changed = timezone != self.timezone
        self._apply(offer, name)
        self.updated_at = now
        self.record(events.ProfileUpdated(occurred_at=now, professional_id=self.id))
        if zone_changed:
            self._set_schedule(evolve(self.schedule, timezone=timezone), now)
        return True

    def set_hours(
        self,
        *,
        timezone: str,
        weekly: Iterable[DayHours],
        rules: BookingRules,
        now: datetime,
    ) -> bool:
        """Replace the weekly hours, the booking rules and the time zone (exceptions stay);
        False, and no event, when nothing changed."""
        return self._set_schedule(
            evolve(self.schedule, timezone=timezone, weekly=tuple(weekly), rules=rules), now
        )

    def exception(self, exception_id: uuid.UUID) -> DateException | None:
        return next((e for e in self.schedule.exceptions if e.id == exception_id), None)

    def add_exception(self, exception: DateException, *, today: date, now: datetime) -> None:
        """Add a date exception. Exceptions of dates before ``today`` (in the professional's
        zone) are dropped on the way: they no longer change any slot.

        ``Conflict`` when an exception of the same date and kind overlaps it (a whole day off
        overlaps any hours off), or when ``MAX_EXCEPTIONS`` are kept already.
        """
        kept = [e for e in self.schedule.exceptions if e.day >= today]
        clash = next((e for e in kept if _overlap(e, exception)), None)
        if clash is not None:
            raise Conflict(
                f"an exception of kind {clash.kind.value} on {clash.day.isoformat()} covers "
                f"these hours already (id {clash.id}); remove it first"
            )
        if len(kept) >= MAX_EXCEPTIONS:
            raise Conflict(f"at most {MAX_EXCEPTIONS} date exceptions; remove some first")
        exceptions = sorted((*kept, exception), key=lambda e: (e.day, e.id))
        self._set_schedule(evolve(self.schedule, exceptions=tuple(exceptions)), now)

    def remove_exception(self, exception_id: uuid.UUID, now: datetime) -> bool:
        """Remove a date exception; False when there is none with this id."""
        kept = tuple(e for e in self.schedule.exceptions if e.id != exception_id)
        if len(kept) == len(self.schedule.exceptions):
            return False
        return self._set_schedule(evolve(self.schedule, exceptions=kept), now)

    def rename(self, name: PersonName) -> bool:
        """Search by the professional's current name; False when the search text is current."""
        text = search_text_of(name, self.bio, self.skills)
        if text == self.search_text:
            return False
        self.search_text = text
        return True

    def _apply(self, offer: Offer, name: PersonName) -> None:
        self.categories = list(offer.categories)
        self.service_ids = list(offer.service_ids)
        self.skills = list(offer.skills)
        self.bio = offer.bio
        self.hourly_rate = offer.hourly_rate
        self.service_area = offer.service_area
        self.gallery_file_ids = list(offer.gallery_file_ids)
        self.search_text = search_text_of(name, self.bio, self.skills)
        self.area_keys = area_keys_of(offer.service_area)

    def _set_schedule(self, schedule: Schedule, now: datetime) -> bool:
        if schedule == self.schedule:
            return False
        self.schedule = schedule
        self.updated_at = now
        self.record(events.AvailabilityUpdated(occurred_at=now, professional_id=self.id))
        return True
