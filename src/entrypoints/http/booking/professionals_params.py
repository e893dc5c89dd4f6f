"""The path and query parameters of ``/api/v1/professionals``: the ids in paths, the directory's
filters and order, and the window of open slots."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from litestar.params import PathParameter, QueryParameter

from alora_core.booking.bookings.use_cases import DEFAULT_SLOT_WINDOW, MAX_SLOT_WINDOW
from alora_core.booking.professionals.availability import (
    DURATION_STEP_MINUTES,
    MAX_DURATION_MINUTES,
    MIN_DURATION_MINUTES,
)
from alora_core.booking.professionals.queries import Sort
from alora_core.booking.professionals.validation import RATE_CURRENCY

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
