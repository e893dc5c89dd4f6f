"""msgspec base classes for request and response bodies, and the problem-details schema.

Python attributes stay snake_case; JSON (and the OpenAPI schema) is camelCase.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import msgspec

from alora_core.shared.pagination import Page
from entrypoints.http.dates import check_dates


class RequestSchema(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    """Base of every request body: camelCase JSON, unknown fields rejected (422), dates in
    the years ``dates`` allows (422 naming the field; a subclass's own ``__post_init__``
    calls this one)."""

    def __post_init__(self) -> None:
        check_dates(self, self.__struct_fields__, self.__struct_encode_fields__)

    example: ClassVar[Mapping[str, Any]] = {}
    """A realistic body, as JSON, shown in the OpenAPI document (the schema's ``examples``).
    Every request body has one; it must decode into the struct, or the document is not built."""


class ResponseSchema(msgspec.Struct, rename="camel", kw_only=True):
    """Base of every response body: camelCase JSON."""


class PageTotals(ResponseSchema):
    """Base of numbered-page responses (admin tables): the items' schema adds ``items``."""

    total: int
    page: int
    page_size: int
    pages: int


def page_totals(page: Page[Any]) -> dict[str, int]:
    """The ``PageTotals`` fields of ``page``, to pass as keywords."""
    return {
        "total": page.total,
        "page": page.page,
        "page_size": page.page_size,
        "pages": page.pages,
    }


class FieldProblem(ResponseSchema):
    """One invalid input field."""

    field: str
    """camelCase JSON path of the field, e.g. ``address.postalCode`` or ``items[0].quantity``;
    empty for the body as a whole."""
    message: str
    code: str
    """Stable machine-readable reason, e.g. ``required``, ``type``, ``unknown-field``."""


class Problem(ResponseSchema):
    """RFC 9457 problem details, served as ``application/problem+json``."""

    type: str
    """Stable URI naming the kind of problem, e.g. ``https://alora.dev/problems/not-found``."""
    title: str
    status: int
    detail: str
    instance: str
    """The request path."""
    request_id: str
    """Also sent as the ``X-Request-ID`` header; quote it when reporting a problem."""
    errors: list[FieldProblem] | msgspec.UnsetType = msgspec.UNSET
    """Present for invalid input (422) and for a conflict on a named field (409)."""
    reason: str | msgspec.UnsetType = msgspec.UNSET
    """Present on problems that say why in a stable code beyond their ``type``, e.g. ``taken``
    for a booking time another booking holds. Each 4xx response of the OpenAPI document lists
    the reasons it may carry."""
