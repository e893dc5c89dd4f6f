"""Professional profiles' request and response bodies: camelCase on the wire.

Body strings and lists are bounded here only against abuse; the profile's own rules (time
zones, rates, how many skills ...) are checked by the core, which reports every problem at
once with its path. The parameters are in ``professionals_params``, the weekly hours, rules,
exceptions and open slots in ``availability_schemas``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec
from msgspec import Meta

from alora_core.booking.professionals import commands as c
from alora_core.booking.professionals.model import ProfessionalProfile, ServiceArea
from alora_core.booking.professionals.queries import DirectoryEntry
from alora_core.shared.actor import Actor
from alora_core.shared.money import Money
from alora_core.shared.pagination import Page
from entrypoints.http import examples
from entrypoints.http.booking.availability_schemas import AvailabilityResponse, TimeZoneName
from entrypoints.http.schemas import PageTotals, RequestSchema, ResponseSchema, page_totals

# --- requests -----------------------------------------------------------------------------------

_Text = Annotated[str, Meta(max_length=1000)]


class RateRequest(RequestSchema):
    amount: Annotated[int, Meta(description="Cents, 0 to 1,000,000.", examples=[4500])]
    currency: Annotated[str, Meta(max_length=10, description="EUR.", examples=["EUR"])]


class ServiceAreaRequest(RequestSchema):
    cities: Annotated[list[_Text], Meta(max_length=1000, description="Up to 20.")] = []
    postal_codes: Annotated[list[_Text], Meta(max_length=1000, description="Up to 50.")] = []


class ProfileRequest(RequestSchema):
    """The whole offer: fields left out are emptied."""

    example = examples.PROFILE
    timezone: TimeZoneName
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
