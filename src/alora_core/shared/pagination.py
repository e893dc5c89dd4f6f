"""Pagination: numbered pages with totals (admin tables) and cursors (feeds)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from attrs import field, frozen

from alora_core.shared.errors import Invalid

T = TypeVar("T")

MAX_PAGE_SIZE = 100
# Far beyond any real table; keeps ``offset`` small enough for every database's integers.
MAX_PAGE = 1_000_000


def _positive(_: object, attribute: object, value: int) -> None:
    if value < 1:
        raise Invalid.field(getattr(attribute, "name", "page"), "must be at least 1")


@frozen
class PageRequest:
    page: int = field(default=1, validator=_positive)
    page_size: int = field(default=20, validator=_positive)

    def __attrs_post_init__(self) -> None:
        if self.page > MAX_PAGE:
            raise Invalid.field("page", f"must be at most {MAX_PAGE}")
        if self.page_size > MAX_PAGE_SIZE:
            raise Invalid.field("page_size", f"must be at most {MAX_PAGE_SIZE}")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@frozen
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return (self.total + self.page_size - 1) // self.page_size


@frozen
class CursorPage(Generic[T]):
    items: Sequence[T]
    next_cursor: str | None
