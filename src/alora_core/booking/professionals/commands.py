"""Professional profiles' commands. Only a professional has a profile, and only they, the
``actor``, change it; ``viewer`` is who reads the directory."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from attrs import field, frozen

from alora_core.booking.professionals.availability import DateException, ExceptionKind
from alora_core.booking.professionals.model import ProfessionalProfile
from alora_core.booking.professionals.queries import DirectoryEntry, Sort
from alora_core.shared.actor import Actor
from alora_core.shared.commands import Command
from alora_core.shared.pagination import Page


@frozen(kw_only=True)
class RateInput:
    amount: int
    """Minor units (cents)."""
    currency: str


@frozen(kw_only=True)
class AreaInput:
    cities: Sequence[str] = ()
    postal_codes: Sequence[str] = ()


@frozen(kw_only=True)
class SaveProfile(Command[ProfessionalProfile]):
    """Create the professional's profile, or replace what it offers (the schedule stays)."""

    actor: Actor
    timezone: str
    """An IANA time zone name; the working hours are read in it."""
    categories: Sequence[str] = ()
    service_ids: Sequence[uuid.UUID] = ()
    skills: Sequence[str] = ()
    bio: str = ""
    hourly_rate: RateInput | None = None
    service_area: AreaInput = field(factory=AreaInput)
    gallery_file_ids: Sequence[uuid.UUID] = ()


@frozen(kw_only=True)
class HoursInput:
    start: str
    """``HH:MM``, 00:00 to 23:59."""
    end: str
    """``HH:MM``, after ``start``; ``24:00`` is the end of the day."""


@frozen(kw_only=True)
class DayInput:
    day: str
    """``monday`` ... ``sunday``."""
    slots: Sequence[HoursInput] = ()


@frozen(kw_only=True)
class RulesInput:
    min_notice_minutes: int = 120
    horizon_days: int = 60
    buffer_minutes: int = 0
    slot_minutes: int = 60


@frozen(kw_only=True)
class SetAvailability(Command[ProfessionalProfile]):
    """Replace the weekly hours, the booking rules and the time zone (date exceptions stay)."""

    actor: Actor
    timezone: str
    weekly: Sequence[DayInput] = ()
    rules: RulesInput | None = None
    """None: the default rules."""


@frozen(kw_only=True)
class AddException(Command[DateException]):
    """A day off, hours off (``off`` with slots), or extra hours (``extra``) on one date."""

    actor: Actor
    day: date
    kind: ExceptionKind
    slots: Sequence[HoursInput] = ()
    note: str = ""


@frozen(kw_only=True)
class RemoveException(Command[None]):
    actor: Actor
    exception_id: uuid.UUID


@frozen(kw_only=True)
class GetOwnProfile(Command[ProfessionalProfile]):
    actor: Actor


@frozen(kw_only=True)
class ListProfessionals(Command[Page[DirectoryEntry]]):
    """The public directory, a page at a time. Filters left None do not filter."""

    viewer: Actor = field(factory=Actor.anonymous)
    category: str | None = None
    service_id: uuid.UUID | None = None
    city: str | None = None
    """A city or a postal code of the service area; case and accents do not matter."""
    min_rating: float | None = None
    max_rate: int | None = None
    """Minor units of EUR, the rate currency."""
    text: str | None = None
    sort: Sort = Sort.RATING
    page: int = 1
    page_size: int = 20


@frozen(kw_only=True)
class GetProfessional(Command[DirectoryEntry]):
    professional_id: uuid.UUID
    viewer: Actor = field(factory=Actor.anonymous)
