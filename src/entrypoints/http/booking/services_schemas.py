"""The services catalog's request and response bodies and parameters: camelCase on the wire.

Body strings are bounded here only against abuse; the catalog's own rules (title 1-120
characters, category labels, colors ...) are checked by the core, which reports every problem
at once, per item in a batch.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

from litestar.params import PathParameter, QueryParameter
from msgspec import UNSET, Meta, UnsetType

from alora_core.booking.catalog.commands import MAX_BULK, NewService
from alora_core.booking.catalog.model import Service
from alora_core.booking.catalog.queries import ServiceView
from alora_core.shared.pagination import Page
from entrypoints.http import examples
from entrypoints.http.schemas import PageTotals, RequestSchema, ResponseSchema, page_totals

ServiceIdPath = Annotated[
    str,
    PathParameter(
        format="uuid",
        description="The service's id, a UUID; anything else answers 404, as do deleted "
        "services and, for all but administrators, inactive ones.",
    ),
]
CategoryFilter = Annotated[
    str | None,
    QueryParameter(
        max_length=40,
        description="Only services of this category (a label such as `home-cleaning`).",
    ),
]
SearchText = Annotated[
    str | None,
    QueryParameter(
        name="q",
        max_length=100,
        pattern="^[^\x00]*$",
        description="Matches title and description, ignoring case and accents.",
    ),
]
ActiveFilter = Annotated[
    bool | None,
    QueryParameter(
        description="Administrators only: `false` lists the inactive services, `true` the "
        "active ones, none both. Everyone else sees active services only (`false` is 403)."
    ),
]

_TITLE = Meta(
    max_length=1000,
    description="1 to 120 characters on one line; unique among services, ignoring case.",
    examples=["Deep cleaning"],
)
_DESCRIPTION = Meta(max_length=10_000, description="Up to 2,000 characters; may hold line breaks.")
_CATEGORY = Meta(
    max_length=200,
    description="A label of up to 40 lower-case letters, digits and single hyphens (upper "
    "case is lowered).",
    examples=["home-cleaning"],
)
_ICON = Meta(
    max_length=1000,
    description="A short icon name (`wrench`, `mdi:broom`) or an http(s) URL; empty or null "
    "for none.",
    examples=["mdi:broom"],
)
_COLOR = Meta(
    max_length=100, description="`#RRGGBB`; empty or null for none.", examples=["#1E88E5"]
)

Title = Annotated[str, _TITLE]
Description = Annotated[str, _DESCRIPTION]
Category = Annotated[str, _CATEGORY]
Icon = Annotated[str, _ICON]
Color = Annotated[str, _COLOR]


class ServiceRequest(RequestSchema):
    example = examples.SERVICE
    title: Title
    category: Category
    description: Description = ""
    icon: Icon | None = None
    color: Color | None = None
    active: bool = True

    def to_command(self) -> NewService:
        return NewService(
            title=self.title,
            category=self.category,
            description=self.description,
            icon=self.icon,
            color=self.color,
            active=self.active,
        )


class BulkServicesRequest(RequestSchema):
    example = examples.BULK_SERVICES
    items: Annotated[
        list[ServiceRequest],
        Meta(
            min_length=1,
            max_length=MAX_BULK,
            description=f"1 to {MAX_BULK} services, created together or not at all.",
        ),
    ]


class ServiceChangesRequest(RequestSchema):
    """Only the fields present change; `icon` and `color` may be null to clear them."""

    example = examples.SERVICE_CHANGES
    version: Annotated[
        int,
        Meta(
            ge=1,
            le=2**31 - 1,
            description="The service's `version` when it was read: if it changed since, the "
            "update is refused with 409 (reload, then apply the change again).",
        ),
    ]
    title: Title | UnsetType = UNSET
    category: Category | UnsetType = UNSET
    description: Description | UnsetType = UNSET
    icon: Icon | UnsetType | None = UNSET
    color: Color | UnsetType | None = UNSET
    active: bool | UnsetType = UNSET

    def changes(self) -> dict[str, Any]:
        names = ("title", "category", "description", "icon", "color", "active")
        return {name: value for name in names if (value := getattr(self, name)) is not UNSET}


class ServiceResponse(ResponseSchema):
    id: uuid.UUID
    title: str
    description: str
    category: str
    icon: str | None
    color: str | None
    active: bool
    created_at: datetime
    updated_at: datetime
    version: Annotated[int, Meta(description="Send it back with a change (`PATCH`).")]

    @classmethod
    def of(cls, service: Service | ServiceView) -> ServiceResponse:
        return cls(
            id=service.id,
            title=service.title,
            description=service.description,
            category=service.category,
            icon=service.icon,
            color=service.color,
            active=service.active,
            created_at=service.created_at.astimezone(UTC),
            updated_at=service.updated_at.astimezone(UTC),
            version=service.version,
        )


class ServicePage(PageTotals):
    """Services by title (ignoring case and accents), in numbered pages with totals."""

    items: list[ServiceResponse]

    @classmethod
    def of(cls, page: Page[ServiceView]) -> ServicePage:
        return cls(items=[ServiceResponse.of(item) for item in page.items], **page_totals(page))


class ServiceList(ResponseSchema):
    """The services a batch created, in the order given."""

    items: list[ServiceResponse]

    @classmethod
    def of(cls, services: Sequence[Service]) -> ServiceList:
        return cls(items=[ServiceResponse.of(service) for service in services])
