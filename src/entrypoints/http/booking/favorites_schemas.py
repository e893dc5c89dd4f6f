"""Favorites' response bodies and parameters: camelCase on the wire."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from litestar.params import PathParameter
from msgspec import Meta

from alora_core.booking.favorites.queries import FavoriteEntry
from alora_core.shared.pagination import Page
from entrypoints.http.schemas import PageTotals, ResponseSchema, page_totals

ProfessionalIdPath = Annotated[
    str,
    PathParameter(
        format="uuid", description="The professional's id, a UUID; anything else answers 404."
    ),
]


class FavoriteRate(ResponseSchema):
    amount: Annotated[int, Meta(description="In minor units (cents).")]
    currency: Annotated[str, Meta(examples=["EUR"])]


class FavoriteProfessional(ResponseSchema):
    """The professional's public summary."""

    id: uuid.UUID
    full_name: str
    avatar_file_id: uuid.UUID | None
    categories: list[str]
    hourly_rate: FavoriteRate | None
    cities: list[str]
    average_rating: Annotated[
        float | None, Meta(description="1 to 5; null while there are no reviews.")
    ]
    review_count: int


class FavoriteResponse(ResponseSchema):
    professional: FavoriteProfessional
    favorited_at: datetime

    @classmethod
    def of(cls, entry: FavoriteEntry) -> FavoriteResponse:
        rate = entry.hourly_rate
        return cls(
            professional=FavoriteProfessional(
                id=entry.professional_id,
                full_name=entry.full_name,
                avatar_file_id=entry.avatar_file_id,
                categories=list(entry.categories),
                hourly_rate=None if rate is None else FavoriteRate(rate.amount, rate.currency),
                cities=list(entry.cities),
                average_rating=entry.average_rating,
                review_count=entry.review_count,
            ),
            favorited_at=entry.favorited_at.astimezone(UTC),
        )


class FavoritePage(PageTotals):
    items: list[FavoriteResponse]

    @classmethod
    def of(cls, page: Page[FavoriteEntry]) -> FavoritePage:
        return cls(items=[FavoriteResponse.of(entry) for entry in page.items], **page_totals(page))


class IsFavoriteResponse(ResponseSchema):
    is_favorite: bool
