"""``/api/v1/search``: full-text search over professionals and services, and autocomplete.

Public: anyone searches; a signed-in caller (with their token) also finds the professionals
who show their profile to registered users only. Search text never breaks a query: it is
reduced to its words (letters and digits), so quotes, ``*``, ``AND``, ``-``, ``:`` or a NUL
are plain separators, and text without a word finds nothing.
"""

from __future__ import annotations

import enum
import uuid
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from msgspec import Meta

from alora_core.booking.search import commands as c
from alora_core.booking.search.model import (
    MAX_QUERY_LENGTH,
    MIN_SUGGEST_LENGTH,
    SUGGESTIONS,
    Kind,
    SearchHit,
    Sort,
    Suggestion,
)
from alora_core.booking.search.use_cases import MAX_CATEGORY_LENGTH, MAX_RATE
from alora_core.identity.use_cases import Principal
from alora_core.shared.pagination import Page
from entrypoints.bootstrap import Alora
from entrypoints.http.auth import viewer_of
from entrypoints.http.base import OPTIONAL_BEARER, problem_responses
from entrypoints.http.params import PageNumber, PageSize
from entrypoints.http.schemas import PageTotals, ResponseSchema, page_totals


class SearchType(enum.StrEnum):
    PROFESSIONALS = "professionals"
    SERVICES = "services"


KIND_OF: dict[SearchType, Kind] = {
    SearchType.PROFESSIONALS: Kind.PROFESSIONAL,
    SearchType.SERVICES: Kind.SERVICE,
}


SearchText = Annotated[
    str | None,
    QueryParameter(
        max_length=MAX_QUERY_LENGTH,
        description="Words to find in names, titles, categories, skills, descriptions and "
        "bios, ignoring case and accents; each matches the start of a word (`elec` finds "
        "`Électricien`) and all must match. Leave it out to list everything the filters "
        "accept.",
    ),
]
TypeFilter = Annotated[
    SearchType | None,
    QueryParameter(name="type", description="Only professionals or only services; left out: both."),
]
CategoryFilter = Annotated[
    str | None,
    QueryParameter(
        max_length=MAX_CATEGORY_LENGTH,
        description="Only services of this category and professionals working in it "
        "(ignoring case and accents).",
    ),
]
MinRate = Annotated[
    int | None,
    QueryParameter(
        name="minRate",
        ge=0,
        le=MAX_RATE,
        description="Professionals whose hourly rate is at least this, in minor units "
        "(cents). Services and professionals without a rate do not match.",
    ),
]
MaxRate = Annotated[
    int | None,
    QueryParameter(
        name="maxRate",
        ge=0,
        le=MAX_RATE,
        description="Professionals whose hourly rate is at most this, in minor units.",
    ),
]
SortOrder = Annotated[
    Sort,
    QueryParameter(
        schema_component_key="SearchSort",
        schema_extra={"title": "SearchSort"},
        description="`relevance`: best match first (by name without `q`); `rate`: lowest "
        "hourly rate first; `rating`: best average rating first, then most reviews. What "
        "has no rate or rating comes last; ties go by relevance, then name.",
    ),
]
SuggestText = Annotated[
    str,
    QueryParameter(
        min_length=MIN_SUGGEST_LENGTH,
        max_length=MAX_QUERY_LENGTH,
        description=f"At least {MIN_SUGGEST_LENGTH} characters once trimmed; each word "
        "matches the start of a word of a professional's name or a service's title.",
    ),
]


class HourlyRateResponse(ResponseSchema):
    amount: Annotated[int, Meta(description="In minor units (cents).")]
    currency: Annotated[str, Meta(examples=["EUR"])]


class RatingResponse(ResponseSchema):
    average: Annotated[float, Meta(description="Mean of the ratings (1 to 5), 2 decimals.")]
    count: int


class SearchResult(ResponseSchema):
    type: Kind
    id: Annotated[uuid.UUID, Meta(description="The professional's (user) id or the service's id.")]
    label: Annotated[str, Meta(description="The professional's name or the service's title.")]
    summary: Annotated[str, Meta(description="The start of the bio or the description.")]
    categories: list[str]
    hourly_rate: HourlyRateResponse | None
    """Professionals only."""
    rating: RatingResponse | None
    """Professionals with reviews only."""

    @classmethod
    def of(cls, hit: SearchHit) -> SearchResult:
        rate, rating = hit.hourly_rate, hit.rating
        return cls(
            type=hit.kind,
            id=hit.id,
            label=hit.label,
            summary=hit.summary,
            categories=list(hit.categories),
            hourly_rate=None
            if rate is None
            else HourlyRateResponse(amount=rate.amount, currency=rate.currency),
            rating=None
            if rating is None
            else RatingResponse(average=rating.average, count=rating.count),
        )


class SearchPage(PageTotals):
    """Professionals and services ranked together, in the order ``sort`` asks."""

    items: list[SearchResult]

    @classmethod
    def of(cls, page: Page[SearchHit]) -> SearchPage:
        return cls(items=[SearchResult.of(hit) for hit in page.items], **page_totals(page))


class SuggestionResponse(ResponseSchema):
    type: Kind
    id: uuid.UUID
    label: str


class SuggestionList(ResponseSchema):
    items: Annotated[
        list[SuggestionResponse], Meta(description=f"At most {SUGGESTIONS}, best first.")
    ]

    @classmethod
    def of(cls, suggestions: list[Suggestion]) -> SuggestionList:
        return cls(
            items=[SuggestionResponse(type=s.kind, id=s.id, label=s.label) for s in suggestions]
        )


class SearchController(Controller):
    path = "/api/v1/search"
    tags = ["search"]
    security = OPTIONAL_BEARER

    @get(
        "/",
        summary="Search professionals and services",
        description="Ranked full-text search, ignoring case and accents: a match in a name "
        "or title counts more than one in categories or skills, which counts more than one "
        "in a description or bio. Without `type` both kinds come in one ranked list, each "
        "item saying its `type`. Only what is public is found: active services, and "
        "professionals with a profile whose account is not suspended and shows its profile "
        "(to signed-in callers too when it is shown to registered users). Search text "
        "without a single word (only punctuation) finds nothing.",
        responses=problem_responses(401, 422),
    )
    async def search(
        self,
        optional_principal: NamedDependency[Principal | None],
        alora: NamedDependency[Alora],
        q: SearchText = None,
        kind: TypeFilter = None,
        category: CategoryFilter = None,
        min_rate: MinRate = None,
        max_rate: MaxRate = None,
        sort: SortOrder = Sort.RELEVANCE,
        page: PageNumber = 1,
        page_size: PageSize = 20,
    ) -> SearchPage:
        result = await alora.bus.handle(
            c.Search(
                q=q,
                type=None if kind is None else KIND_OF[kind],
                category=category,
                min_rate=min_rate,
                max_rate=max_rate,
                sort=sort,
                page=page,
                page_size=page_size,
                viewer=viewer_of(optional_principal),
            )
        )
        return SearchPage.of(result)

    @get(
        "/autocomplete",
        summary="Suggest professionals and services as the user types",
        description=f"Up to {SUGGESTIONS} professionals and services whose name or title "
        "has a word starting with each word typed, best first, with the same visibility "
        f"rules as search. Fewer than {MIN_SUGGEST_LENGTH} characters (once trimmed) answer "
        "422; text without a word suggests nothing.",
        responses=problem_responses(401, 422),
    )
    async def autocomplete(
        self,
        optional_principal: NamedDependency[Principal | None],
        alora: NamedDependency[Alora],
        q: SuggestText,
    ) -> SuggestionList:
        suggestions = await alora.bus.handle(
            c.Autocomplete(q=q, viewer=viewer_of(optional_principal))
        )
        return SuggestionList.of(suggestions)


ROUTE_HANDLERS = [SearchController]
