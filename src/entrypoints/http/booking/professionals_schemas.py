"""Professional profiles' request and response bodies and parameters: camelCase on the wire.

Body strings and lists are bounded here only against abuse; the part's own rules (time zones,
"HH:MM" times, overlaps, rates, how many skills ...) are checked by the core, which reports
every problem at once with its path (``weekly[0].slots[1].end``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec
from litestar.params import PathParameter, QueryParameter
from msgspec import Meta

from alora_core.booking.bookings.queries import OpenSlots
from alora_core.booking.bookings.use_cases import DEFAULT_SLOT_WINDOW, MAX_SLOT_WINDOW
from alora_core.booking.professionals import commands as c
from alora_core.booking.professionals.availability import (
    DURATION_STEP_MINUTES,
    MAX_DURATION_MINUTES,
    MIN_DURATION_MINUTES,
    BookingRules,
    DateException,
    DayHours,
    ExceptionKind,
    Schedule,
    Slot,
    TimeRange,
    Weekday,
)
from alora_core.booking.professionals.model import ProfessionalProfile, ServiceArea
from alora_core.booking.professionals.queries import DirectoryEntry, Sort
from alora_core.booking.professionals.validation import RATE_CURRENCY, format_minutes
from alora_core.shared.actor import Actor
from alora_core.shared.money import Money
from alora_core.shared.pagination import Page
from entrypoints.http import examples
from entrypoints.http.schemas import PageTotals, RequestSchema, ResponseSchema, page_totals

# --- parameters ---------------------------------------------------------------------------------

ProfessionalIdPath = Annotated[
    str,
    PathParameter(
        format="uuid",
        description="The professional's (user) id, a UUID; anything else answers 404, as do "
        "professionals the caller may not see.",
    ),
]
ExceptionIdPath = Annotated[
    str,
    PathParameter(
        format="uuid",
        description="The date exception's id, a UUID; anything else answers 404.",
    ),
]
CategoryFilter = Annotated[
    str | None,
    QueryParameter(max_length=100, description="Only professionals in this category."),
]
ServiceFilter = Annotated[
    uuid.UUID | None,
    QueryParameter(name="service", description="Only professionals offering this service."),
]
CityFilter = Annotated[
    str | None,
    QueryParameter(
        max_length=100,
        pattern="^[^\x00]*$",
        description="Only professionals whose service area has this city or postal code "
        "(whole, ignoring case and accents).",
    ),
]
MinRating = Annotated[
    float | None,
    QueryParameter(
        name="minRating", ge=0, le=5, description="Only professionals rated this or better."
    ),
]
MaxRate = Annotated[
    int | None,
    QueryParameter(
        name="maxRate",
        ge=0,
        le=10**12,
        description=f"Only professionals whose hourly rate is at most this many cents "
        f"({RATE_CURRENCY}).",
    ),
]
SearchText = Annotated[
    str | None,
    QueryParameter(
        name="q",
        max_length=100,
        pattern="^[^\x00]*$",
        description="Matches part of the name, username, bio or skills, ignoring case and accents.",
    ),
]
SortOrder = Annotated[
    Sort,
    QueryParameter(
        schema_component_key="DirectorySort",
        schema_extra={"title": "DirectorySort"},
        description="`rating`: best average first (no reviews last); `rate`: cheapest first "
        "(no rate last); `newest`: newest profile first.",
    ),
]

SlotsFrom = Annotated[
    dt.datetime | None,
    QueryParameter(
        name="from",
        description="First start to offer (ISO 8601 with an offset). Default: now.",
    ),
]
SlotsTo = Annotated[
    dt.datetime | None,
    QueryParameter(
        name="to",
        description=f"Offer starts before this time (ISO 8601 with an offset), at most "
        f"{MAX_SLOT_WINDOW.days} days after `from`. Default: `from` plus "
        f"{DEFAULT_SLOT_WINDOW.days} days.",
    ),
]
SlotsService = Annotated[
    uuid.UUID | None,
    QueryParameter(
        name="serviceId",
        description="The service to book; 422 when the professional does not offer it.",
    ),
]
SlotsDuration = Annotated[
    int | None,
    QueryParameter(
        name="durationMinutes",
        ge=MIN_DURATION_MINUTES,
        le=MAX_DURATION_MINUTES,
        multiple_of=DURATION_STEP_MINUTES,
        description=f"How long the booking lasts: the professional's slot length (default) or "
        f"a multiple of {DURATION_STEP_MINUTES} minutes from {MIN_DURATION_MINUTES} to "
        f"{MAX_DURATION_MINUTES}.",
    ),
]

# --- requests -----------------------------------------------------------------------------------

_Text = Annotated[str, Meta(max_length=1000)]
_Time = Annotated[str, Meta(max_length=10, description="`HH:MM`, 24 h.", examples=["09:00"])]
_Zone = Annotated[
    str,
    Meta(
        max_length=100,
        description="An IANA time zone; working hours are read in it.",
        examples=["Europe/Berlin"],
    ),
]


class RateRequest(RequestSchema):
    amount: Annotated[int, Meta(description="Cents, 0 to 1,000,000.", examples=[4500])]
    currency: Annotated[str, Meta(max_length=10, description="EUR.", examples=["EUR"])]


class ServiceAreaRequest(RequestSchema):
    cities: Annotated[list[_Text], Meta(max_length=1000, description="Up to 20.")] = []
    postal_codes: Annotated[list[_Text], Meta(max_length=1000, description="Up to 50.")] = []


class ProfileRequest(RequestSchema):
    """The whole offer: fields left out are emptied."""

    example = examples.PROFILE
    timezone: _Zone
    categories: Annotated[
        list[_Text],
        Meta(
            max_length=1000,
            description="Up to 10 labels such as `plumbing` (lower-cased).",
            examples=[["plumbing"]],
        ),
    ] = []
    service_ids: Annotated[
        list[uuid.UUID], Meta(max_length=1000, description="Up to 50 active services.")
    ] = []
    skills: Annotated[
        list[_Text], Meta(max_length=1000, description="Up to 30, of 1 to 60 characters.")
    ] = []
    bio: Annotated[str, Meta(max_length=20_000, description="Up to 2,000 characters.")] = ""
    hourly_rate: RateRequest | None = None
    service_area: ServiceAreaRequest = msgspec.field(default_factory=ServiceAreaRequest)
    gallery_file_ids: Annotated[
        list[uuid.UUID],
        Meta(max_length=1000, description="Up to 20 images uploaded by the professional."),
    ] = []

    def to_command(self, actor: Actor) -> c.SaveProfile:
        rate = self.hourly_rate
        return c.SaveProfile(
            actor=actor,
            timezone=self.timezone,
            categories=self.categories,
            service_ids=self.service_ids,
            skills=self.skills,
            bio=self.bio,
            hourly_rate=None
            if rate is None
            else c.RateInput(amount=rate.amount, currency=rate.currency),
            service_area=c.AreaInput(
                cities=self.service_area.cities, postal_codes=self.service_area.postal_codes
            ),
            gallery_file_ids=self.gallery_file_ids,
        )


class HoursRequest(RequestSchema):
    start: _Time
    end: Annotated[
        str, Meta(max_length=10, description="`HH:MM`, after the start; `24:00` ends the day.")
    ]


def _hours(slots: list[HoursRequest]) -> list[c.HoursInput]:
    return [c.HoursInput(start=slot.start, end=slot.end) for slot in slots]


class DayRequest(RequestSchema):
    day: Annotated[
        str, Meta(max_length=20, description="`monday` ... `sunday`.", examples=["monday"])
    ]
    slots: Annotated[
        list[HoursRequest], Meta(max_length=1000, description="Up to 12, not overlapping.")
    ] = []


class RulesRequest(RequestSchema):
    min_notice_minutes: Annotated[int, Meta(description="0 to 43,200 (30 days).")] = 120
    horizon_days: Annotated[int, Meta(description="1 to 365.")] = 60
    buffer_minutes: Annotated[int, Meta(description="Kept free after each booking: 0 to 480.")] = 0
    slot_minutes: Annotated[int, Meta(description="15 to 720, a multiple of 5.")] = 60


class AvailabilityRequest(RequestSchema):
    """The weekly hours and the booking rules; date exceptions stay as they are."""

    example = examples.AVAILABILITY
    timezone: _Zone
    weekly: Annotated[list[DayRequest], Meta(max_length=100, description="Each day once.")] = []
    rules: RulesRequest | None = None
    """Left out: the defaults."""

    def to_command(self, actor: Actor) -> c.SetAvailability:
        rules = self.rules
        return c.SetAvailability(
            actor=actor,
            timezone=self.timezone,
            weekly=[c.DayInput(day=day.day, slots=_hours(day.slots)) for day in self.weekly],
            rules=None
            if rules is None
            else c.RulesInput(
                min_notice_minutes=rules.min_notice_minutes,
                horizon_days=rules.horizon_days,
                buffer_minutes=rules.buffer_minutes,
                slot_minutes=rules.slot_minutes,
            ),
        )


class ExceptionRequest(RequestSchema):
    """`off` without slots: the whole day off; `off` with slots: those hours off; `extra`:
    working these hours too."""

    example = examples.EXCEPTION
    date: Annotated[dt.date, Meta(description="A local date, today or later.")]
    kind: ExceptionKind
    slots: Annotated[list[HoursRequest], Meta(max_length=1000)] = []
    note: Annotated[str, Meta(max_length=1000, description="Up to 200 characters.")] = ""

    def to_command(self, actor: Actor) -> c.AddException:
        return c.AddException(
            actor=actor,
            day=self.date,
            kind=self.kind,
            slots=_hours(self.slots),
            note=self.note,
        )


# --- responses ----------------------------------------------------------------------------------


class MoneyResponse(ResponseSchema):
    amount: Annotated[int, Meta(description="In minor units (cents).")]
    currency: Annotated[str, Meta(examples=["EUR"])]

    @classmethod
    def of(cls, money: Money | None) -> MoneyResponse | None:
        return None if money is None else cls(amount=money.amount, currency=money.currency)


class ServiceAreaResponse(ResponseSchema):
    cities: list[str]
    postal_codes: list[str]

    @classmethod
    def of(cls, area: ServiceArea) -> ServiceAreaResponse:
        return cls(cities=list(area.cities), postal_codes=list(area.postal_codes))


class HoursResponse(ResponseSchema):
    start: str
    end: str


def _ranges(ranges: tuple[TimeRange, ...]) -> list[HoursResponse]:
    return [HoursResponse(format_minutes(r.start), format_minutes(r.end)) for r in ranges]


class DayResponse(ResponseSchema):
    day: Weekday
    slots: list[HoursResponse]

    @classmethod
    def of(cls, day: DayHours) -> DayResponse:
        return cls(day=day.day, slots=_ranges(day.ranges))


class ExceptionResponse(ResponseSchema):
    id: uuid.UUID
    date: dt.date
    kind: ExceptionKind
    slots: list[HoursResponse]
    note: str

    @classmethod
    def of(cls, exception: DateException) -> ExceptionResponse:
        return cls(
            id=exception.id,
            date=exception.day,
            kind=exception.kind,
            slots=_ranges(exception.ranges),
            note=exception.note,
        )


class RulesResponse(ResponseSchema):
    min_notice_minutes: int
    horizon_days: int
    buffer_minutes: int
    slot_minutes: int

    @classmethod
    def of(cls, rules: BookingRules) -> RulesResponse:
        return cls(
            min_notice_minutes=rules.min_notice_minutes,
            horizon_days=rules.horizon_days,
            buffer_minutes=rules.buffer_minutes,
            slot_minutes=rules.slot_minutes,
        )


class AvailabilityResponse(ResponseSchema):
    """Weekly hours (Monday first; days without hours left out), date exceptions (by date) and
    booking rules, all read in ``timezone``."""

    timezone: str
    weekly: list[DayResponse]
    exceptions: list[ExceptionResponse]
    rules: RulesResponse

    @classmethod
    def of(cls, schedule: Schedule) -> AvailabilityResponse:
        return cls(
            timezone=schedule.timezone,
            weekly=[DayResponse.of(day) for day in schedule.weekly],
            exceptions=[ExceptionResponse.of(e) for e in schedule.exceptions],
            rules=RulesResponse.of(schedule.rules),
        )


def _average(rating_total: int, review_count: int) -> float | None:
    return round(rating_total / review_count, 2) if review_count else None


class OwnProfileResponse(ResponseSchema):
    """The signed-in professional's whole profile."""

    id: uuid.UUID
    categories: list[str]
    service_ids: list[uuid.UUID]
    skills: list[str]
    bio: str
    hourly_rate: MoneyResponse | None
    service_area: ServiceAreaResponse
    timezone: str
    gallery_file_ids: list[uuid.UUID]
    availability: AvailabilityResponse
    average_rating: Annotated[float | None, Meta(description="Null without reviews.")]
    review_count: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, profile: ProfessionalProfile) -> OwnProfileResponse:
        return cls(
            id=profile.id,
            categories=list(profile.categories),
            service_ids=list(profile.service_ids),
            skills=list(profile.skills),
            bio=profile.bio,
            hourly_rate=MoneyResponse.of(profile.hourly_rate),
            service_area=ServiceAreaResponse.of(profile.service_area),
            timezone=profile.timezone,
            gallery_file_ids=list(profile.gallery_file_ids),
            availability=AvailabilityResponse.of(profile.schedule),
            average_rating=_average(profile.rating_total, profile.review_count),
            review_count=profile.review_count,
            created_at=profile.created_at.astimezone(dt.UTC),
            updated_at=profile.updated_at.astimezone(dt.UTC),
        )


class ProfessionalResponse(ResponseSchema):
    """A professional as anyone allowed to see them sees them."""

    id: uuid.UUID
    full_name: str
    username: str
    avatar_file_id: uuid.UUID | None
    bio: str
    categories: list[str]
    service_ids: list[uuid.UUID]
    skills: list[str]
    hourly_rate: MoneyResponse | None
    service_area: ServiceAreaResponse
    timezone: str
    gallery_file_ids: list[uuid.UUID]
    average_rating: Annotated[float | None, Meta(description="Null without reviews.")]
    review_count: int
    email: Annotated[
        str | None, Meta(description="Only when the professional shows it (settings).")
    ]
    phone: Annotated[
        str | None, Meta(description="Only when the professional shows it (settings).")
    ]
    created_at: Annotated[dt.datetime, Meta(description="When the profile was created.")]

    @classmethod
    def of(cls, entry: DirectoryEntry) -> ProfessionalResponse:
        return cls(
            id=entry.id,
            full_name=entry.name.full_name,
            username=entry.name.username,
            avatar_file_id=entry.avatar_file_id,
            bio=entry.bio,
            categories=entry.categories,
            service_ids=entry.service_ids,
            skills=entry.skills,
            hourly_rate=MoneyResponse.of(entry.hourly_rate),
            service_area=ServiceAreaResponse.of(entry.service_area),
            timezone=entry.timezone,
            gallery_file_ids=entry.gallery_file_ids,
            average_rating=_average(entry.rating_total, entry.review_count),
            review_count=entry.review_count,
            email=entry.email,
            phone=entry.phone,
            created_at=entry.created_at.astimezone(dt.UTC),
        )


class ProfessionalPage(PageTotals):
    items: list[ProfessionalResponse]

    @classmethod
    def of(cls, page: Page[DirectoryEntry]) -> ProfessionalPage:
        return cls(items=[ProfessionalResponse.of(e) for e in page.items], **page_totals(page))


class SlotResponse(ResponseSchema):
    start: Annotated[dt.datetime, Meta(description="UTC.")]
    end: Annotated[dt.datetime, Meta(description="UTC; the end of the booked work.")]
    local_start: Annotated[
        dt.datetime, Meta(description="`start` in the professional's time zone, with its offset.")
    ]
    local_end: Annotated[
        dt.datetime, Meta(description="`end` in the professional's time zone, with its offset.")
    ]

    @classmethod
    def of(cls, slot: Slot) -> SlotResponse:
        return cls(
            start=slot.start.astimezone(dt.UTC),
            end=slot.end.astimezone(dt.UTC),
            local_start=slot.local_start,
            local_end=slot.local_end,
        )


class SlotsResponse(ResponseSchema):
    timezone: Annotated[str, Meta(description="The professional's IANA time zone.")]
    slots: Annotated[list[SlotResponse], Meta(description="Bookable starts, earliest first.")]

    @classmethod
    def of(cls, found: OpenSlots) -> SlotsResponse:
        return cls(timezone=found.timezone, slots=[SlotResponse.of(s) for s in found.slots])
